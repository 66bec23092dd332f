// Where a run's examples come from and how they are split: the model's data (MNIST,
// Fashion-MNIST, an IDX folder, CSV files or image folders, relative to the model file or
// compiled model) unless --data names an IDX folder (relative to the working directory); the
// last validationSplit of the training set validates, as in Keras. Every set is checked
// against the model (example shape, labels within its classes, not empty) before the first
// step, naming the file at fault; a normalisation with statistics is fitted on the training
// split and applied to every set (runtime/data/normalize.ts).

import * as fs from 'fs';
import * as path from 'path';
import type { ModelArg } from '../model-arg';
import { type DataHashes, type Dataset, checkInputShape, fashionMnistDir, loadIdxImages, mnistDir, splitValidation } from '../../runtime/data/dataset';
import { loadCsvExamples } from '../../runtime/data/csv';
import { loadPngExamples } from '../../runtime/data/image-folder';
import type { ClassSpace } from '../../runtime/data/classes';
import { DataError } from '../../runtime/data/errors';
import { type InputNormalization, type NormalizeMode, applyNormalization, effectiveMode, fitNormalization, needsStatistics } from '../../runtime/data/normalize';
import { type ResolvedSource, type SourceSets, loadSource, loadSourceTestSet } from '../../runtime/data/sources';

/**
 * The key checkpoints record to resume on the same data: `mnist`, `fashion-mnist`, an
 * absolute IDX folder, `csv:<train>|<test>` or `images:<train>|<test>` (absolute paths).
 */
export type DataSourceKey = string;

const MNIST: DataSourceKey = 'mnist';
const FASHION_MNIST: DataSourceKey = 'fashion-mnist';
const CSV = 'csv:';
const IMAGES = 'images:';

export interface RunData {
  readonly train: Dataset;
  readonly val: Dataset | null;
  readonly test: Dataset;
  /** SHA-256 of each data file, by part: recorded in checkpoints, checked on resuming. */
  readonly hashes: DataHashes;
  /** Fitted on the training split and applied to every set; saved with the weights. */
  readonly normalization: InputNormalization | null;
}

export type LoadedData = SourceSets;

export function dataSourceFor(model: ModelArg, dataFlag: string | undefined): DataSourceKey {
  if (dataFlag !== undefined) return path.resolve(dataFlag);
  const data = model.facts.data;
  const at = (p: string): string => path.resolve(model.dataBase, p);
  if (data.kind === 'mnist') return MNIST;
  if (data.kind === 'fashionMnist') return FASHION_MNIST;
  if (data.kind === 'csv') return `${CSV}${at(data.train)}|${at(data.test)}`;
  if (data.kind === 'imageFolder') return `${IMAGES}${at(data.train)}|${at(data.test)}`;
  return at(data.dir);
}

export function describeSource(source: DataSourceKey): string {
  if (source === MNIST) return 'MNIST';
  if (source === FASHION_MNIST) return 'Fashion-MNIST';
  for (const prefix of [CSV, IMAGES]) if (source.startsWith(prefix)) return source.slice(prefix.length).split('|').join(' and ');
  return source;
}

/** The source a key names, read with the model's data options (normalize, CSV label column and classes). */
export function resolveSource(model: ModelArg, source: DataSourceKey): ResolvedSource {
  const data = model.facts.data;
  const normalize = data.normalize === undefined ? {} : { normalize: data.normalize };
  const pair = (prefix: string): [string, string] => {
    const [train, test] = source.slice(prefix.length).split('|');
    return [train, test];
  };
  if (source.startsWith(CSV)) {
    const [train, test] = pair(CSV);
    return { kind: 'csv', train, test, label: data.kind === 'csv' ? data.label : 'label', classes: data.kind === 'csv' ? data.classes : null, ...normalize };
  }
  if (source.startsWith(IMAGES)) {
    const [train, test] = pair(IMAGES);
    return { kind: 'imageFolder', train, test, ...normalize };
  }
  const dir = source === MNIST ? mnistDir() : source === FASHION_MNIST ? fashionMnistDir() : source;
  return { kind: 'idx', dir, ...normalize };
}

/** The model's classes, and a phrase naming the model and its output for messages. */
export function classSpaceOf(model: ModelArg): ClassSpace {
  const io = model.facts.io;
  const units = io.outputShape[io.outputShape.length - 1] ?? 1;
  const output = io.threshold !== undefined
    ? `its ${units}-unit output with ${model.facts.loss}, classes 0 and 1`
    : `its last layer has ${units} units`;
  return { count: io.classes, owner: `${model.arg} (${output})` };
}

/** Loads each source once per model shape, however many models train on it; labels are checked against the model's classes. */
export class DataCache {
  private readonly loaded = new Map<string, LoadedData>();

  get(source: DataSourceKey, model: ModelArg): LoadedData {
    const space = classSpaceOf(model);
    const key = JSON.stringify([space.count, model.facts.io.inputShape, model.facts.data.normalize ?? null, source]);
    let sets = this.loaded.get(key);
    if (sets === undefined) {
      sets = loadSource(resolveSource(model, source), space, model.facts.io.inputShape);
      this.loaded.set(key, sets);
    }
    return sets;
  }
}

/** Only the test set of a source (what nnc eval needs), checked against the model, not yet normalised. */
export function loadTestSet(model: ModelArg, source: DataSourceKey): { test: Dataset; hashes: DataHashes; pixels: boolean } {
  const loaded = loadSourceTestSet(resolveSource(model, source), classSpaceOf(model), model.facts.io.inputShape);
  checkSet(model, loaded.test, 'test');
  return loaded;
}

/** The model's view of the data: every set checked, the training set split for validation, then normalised. */
export function prepareData(model: ModelArg, sets: LoadedData, validationSplit: number): RunData {
  checkSet(model, sets.train, 'training');
  checkSet(model, sets.test, 'test');
  const split = splitValidation(sets.train, validationSplit);
  if (split.train.count === 0) {
    throw new DataError(sets.train.source ?? null, `its ${sets.train.count} examples leave none to train on after the validation split of ${validationSplit}`);
  }
  const shape = model.facts.io.inputShape;
  const mode = effectiveMode(model.facts.data.normalize, sets.pixels);
  const normalization = fitNormalization(mode, sets.pixels, split.train.x, shape[shape.length - 1]);
  const { train, val } = normalization === null ? split : splitValidation(normalized(sets.train, normalization), validationSplit);
  const test = normalization === null ? sets.test : normalized(sets.test, normalization);
  return { train, val: val.count > 0 ? val : null, test, hashes: sets.hashes, normalization };
}

/** The mode whose statistics the model's weights must hold for data of this kind (pixels or not), or null. */
export function statisticsFor(model: ModelArg, pixels: boolean): NormalizeMode | null {
  const mode = effectiveMode(model.facts.data.normalize, pixels);
  return needsStatistics(mode, pixels) ? mode : null;
}

/** Examples to classify (nnc predict): a .csv file, a .png file or folder of them, or an IDX file; decoded as the model's data is. */
export function loadPredictInput(model: ModelArg, input: string): { x: Float32Array; count: number; inputShape: readonly number[]; pixels: boolean } {
  const data = model.facts.data;
  if (/\.csv$/i.test(input)) return { ...loadCsvExamples(input, data.kind === 'csv' ? data.label : 'label'), pixels: false };
  if (/\.png$/i.test(input) || (fs.existsSync(input) && fs.statSync(input).isDirectory())) {
    return { ...loadPngExamples(input, model.facts.io.inputShape, data.normalize), pixels: true };
  }
  return loadIdxImages(input, data.normalize);
}

/** A copy of `ds` with `n` applied. */
export function normalized(ds: Dataset, n: InputNormalization | null): Dataset {
  return n === null ? ds : { ...ds, x: applyNormalization(n, ds.x) };
}

function checkSet(model: ModelArg, ds: Dataset, what: string): void {
  const file = ds.source ?? `the ${what} set`;
  checkInputShape(ds, model.facts.io.inputShape, file);
  if (ds.count === 0) throw new DataError(file, `the ${what} set is empty`);
}
