// Where a run's examples come from and how they are split: the model's data (MNIST, or an
// IDX folder relative to the model file or compiled model) unless --data names a folder (relative to the
// working directory); the last validationSplit of the training set validates, as in Keras.

import * as path from 'path';
import type { ModelArg } from '../model-arg';
import { type Dataset, checkInputShape, loadIdxDir, loadMnist, splitValidation } from '../../runtime/data/dataset';

/** `mnist`, or an absolute IDX folder: the key checkpoints record to resume on the same data. */
export type DataSourceKey = string;

const MNIST: DataSourceKey = 'mnist';

export interface RunData {
  readonly train: Dataset;
  readonly val: Dataset | null;
  readonly test: Dataset;
}

export function dataSourceFor(model: ModelArg, dataFlag: string | undefined): DataSourceKey {
  if (dataFlag !== undefined) return path.resolve(dataFlag);
  const data = model.facts.data;
  return data.kind === 'mnist' ? MNIST : path.resolve(model.dataBase, data.dir);
}

export function describeSource(source: DataSourceKey): string {
  return source === MNIST ? 'MNIST' : source;
}

/** Loads each source once, however many models train on it. */
export class DataCache {
  private readonly loaded = new Map<DataSourceKey, { train: Dataset; test: Dataset }>();

  get(source: DataSourceKey): { train: Dataset; test: Dataset } {
    let sets = this.loaded.get(source);
    if (sets === undefined) {
      sets = source === MNIST ? loadMnist() : loadIdxDir(source);
      this.loaded.set(source, sets);
    }
    return sets;
  }
}

/** The model's view of the data: shapes checked, the training set split for validation. */
export function prepareData(model: ModelArg, sets: { train: Dataset; test: Dataset }, validationSplit: number): RunData {
  checkInputShape(sets.train, model.facts.io.inputShape, model.arg);
  const { train, val } = splitValidation(sets.train, validationSplit);
  return { train, val: val.count > 0 ? val : null, test: sets.test };
}
