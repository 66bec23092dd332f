// Where a run's examples come from and how they are split: the model's data (MNIST, or an
// IDX folder relative to the model file or compiled model) unless --data names a folder (relative to the
// working directory); the last validationSplit of the training set validates, as in Keras.
// Every set is checked against the model (example shape, label range, not empty) before the
// first step, naming the file at fault.

import * as path from 'path';
import type { ModelArg } from '../model-arg';
import {
  type DataHashes, type Dataset, checkInputShape, loadIdxDir, loadIdxTestSet, mnistDir, splitValidation,
} from '../../runtime/data/dataset';
import { DataError } from '../../runtime/data/errors';

/** `mnist`, or an absolute IDX folder: the key checkpoints record to resume on the same data. */
export type DataSourceKey = string;

const MNIST: DataSourceKey = 'mnist';

export interface RunData {
  readonly train: Dataset;
  readonly val: Dataset | null;
  readonly test: Dataset;
  /** SHA-256 of each data file, by part: recorded in checkpoints, checked on resuming. */
  readonly hashes: DataHashes;
}

export interface LoadedData {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly hashes: DataHashes;
}

export function dataSourceFor(model: ModelArg, dataFlag: string | undefined): DataSourceKey {
  if (dataFlag !== undefined) return path.resolve(dataFlag);
  const data = model.facts.data;
  return data.kind === 'mnist' ? MNIST : path.resolve(model.dataBase, data.dir);
}

export function describeSource(source: DataSourceKey): string {
  return source === MNIST ? 'MNIST' : source;
}

function folderOf(source: DataSourceKey): string {
  return source === MNIST ? mnistDir() : source;
}

/** Loads each source once, however many models train on it; labels are checked against `classes`. */
export class DataCache {
  private readonly loaded = new Map<string, LoadedData>();

  get(source: DataSourceKey, classes = 10): LoadedData {
    const key = `${classes}:${source}`;
    let sets = this.loaded.get(key);
    if (sets === undefined) {
      sets = loadIdxDir(folderOf(source), classes);
      this.loaded.set(key, sets);
    }
    return sets;
  }
}

/** Only the test set of a source (what nnc eval needs), checked against the model. */
export function loadTestSet(model: ModelArg, source: DataSourceKey): { test: Dataset; hashes: DataHashes } {
  const loaded = loadIdxTestSet(folderOf(source), model.facts.io.classes);
  checkSet(model, loaded.test, 'test');
  return loaded;
}

/** The model's view of the data: every set checked, the training set split for validation. */
export function prepareData(model: ModelArg, sets: LoadedData, validationSplit: number): RunData {
  checkSet(model, sets.train, 'training');
  checkSet(model, sets.test, 'test');
  const { train, val } = splitValidation(sets.train, validationSplit);
  if (train.count === 0) {
    throw new DataError(sets.train.source ?? null, `its ${sets.train.count} examples leave none to train on after the validation split of ${validationSplit}`);
  }
  return { train, val: val.count > 0 ? val : null, test: sets.test, hashes: sets.hashes };
}

function checkSet(model: ModelArg, ds: Dataset, what: string): void {
  const file = ds.source ?? `the ${what} set`;
  checkInputShape(ds, model.facts.io.inputShape, file);
  if (ds.count === 0) throw new DataError(file, `the ${what} set is empty`);
}
