// Labelled data sets in memory: the model's input values as float32 (pixels scaled to [0, 1]
// by default, runtime/data/normalize.ts) and one class index per example. Loaded from IDX
// files (idx-sets.ts), CSV files (csv.ts) or folders of PNG images (image-folder.ts).

import { DataError } from './errors';
import { inputSize } from './example-size';

/** One class index per example (Int32Array: any number of classes; Uint8Array where data was made so). */
export type ClassIndices = Int32Array | Uint8Array;

export interface Dataset {
  /** count * inputSize values, as the model takes them. */
  readonly x: Float32Array;
  /** Class indices in 0..classes-1 (not one-hot: runtime/data/batch.ts encodes them per loss). */
  readonly labels: ClassIndices;
  readonly count: number;
  /** One example's shape, channels-last, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  readonly classes: number;
  /** The examples file (or folder) it was read from, for messages (absent for data made in memory). */
  readonly source?: string;
}

/** The SHA-256 of each data file as stored, by part (`train-images`, ...): a run's data identity. */
export type DataHashes = { readonly [part: string]: string };

export type { ClassSpace } from './classes';
export {
  type LoadedSets, type LoadedExamples, FASHION_MNIST_DIR, fashionMnistDir, loadIdxDataset, loadIdxDir, loadIdxImages, loadIdxTestSet, loadMnist, mnistDir,
} from './idx-sets';

/** Throws when a model's input shape differs from the data's example shape. */
export function checkInputShape(ds: Dataset, modelInput: readonly number[], file: string): void {
  const same = modelInput.length === ds.inputShape.length && modelInput.every((d, i) => d === ds.inputShape[i]);
  if (!same) {
    throw new DataError(file, `model input shape [${modelInput.join(', ')}] does not match the data's example shape [${ds.inputShape.join(', ')}]`);
  }
}

/**
 * Keras' validation_split: the LAST `fraction` of the examples, taken before any shuffling
 * (split at floor(count * (1 - fraction))). Both parts are views into `ds`, not copies.
 */
export function splitValidation(ds: Dataset, fraction: number): { train: Dataset; val: Dataset } {
  if (!(fraction >= 0 && fraction < 1)) {
    throw new DataError(null, `validation split ${fraction} must be at least 0 and less than 1`);
  }
  const splitAt = Math.floor(ds.count * (1 - fraction));
  return { train: sliceDataset(ds, 0, splitAt), val: sliceDataset(ds, splitAt, ds.count) };
}

/** Examples [start, end) of `ds` as a view. */
export function sliceDataset(ds: Dataset, start: number, end: number): Dataset {
  const size = inputSize(ds);
  return {
    x: ds.x.subarray(start * size, end * size),
    labels: ds.labels.subarray(start, end),
    count: end - start,
    inputShape: ds.inputShape,
    classes: ds.classes,
    ...(ds.source === undefined ? {} : { source: ds.source }),
  };
}

export { inputSize };
