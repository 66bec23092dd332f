// Images from folders, one subfolder per class (Keras' image_dataset_from_directory): class
// order is the training folder's subfolder names sorted (by code unit, as JavaScript sorts
// strings); the test folder's subfolders must be among them. Every `.png` file is decoded
// (pngjs) to 8-bit pixels and made the model's channels: RGB for 3, grey for 1 (a colour
// image by Pillow's luminance, L = (19595 R + 38470 G + 7471 B + 2^15) >> 16); alpha is
// dropped. Other files are skipped. Examples are in a fixed pseudo-random order, by the
// SHA-256 of each image's path within its folder, so that the validation split (the last
// fraction, as in Keras) draws from every class.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import { DataError } from './errors';
import { FileReadError, READ_LIMITS, readRegularFile } from '../io/read-file';
import { type ClassSpace, outsideClasses } from './classes';
import type { Dataset } from './dataset';
import { type NormalizeMode, effectiveMode, pixelValues } from './normalize';

interface ImageFile {
  readonly file: string;
  /** The path within the split's folder, `class/name.png`: what orders and hashes the set. */
  readonly rel: string;
  readonly label: number;
}

function listDir(dir: string): fs.Dirent[] {
  if (!fs.existsSync(dir)) throw new DataError(dir, 'image folder not found');
  if (!fs.statSync(dir).isDirectory()) throw new DataError(dir, 'not a folder');
  return fs.readdirSync(dir, { withFileTypes: true });
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The class names of a training folder: its subfolders, sorted. */
export function classFolders(dir: string): string[] {
  const names = listDir(dir).filter((e) => e.isDirectory()).map((e) => e.name).sort(byCodeUnit);
  if (names.length === 0) throw new DataError(dir, 'has no class subfolders (expected one folder of PNG images per class)');
  return names;
}

function imageFiles(dir: string, classes: readonly string[], space: ClassSpace): ImageFile[] {
  const files: ImageFile[] = [];
  for (const name of listDir(dir).filter((e) => e.isDirectory()).map((e) => e.name).sort(byCodeUnit)) {
    const label = classes.indexOf(name);
    const folder = path.join(dir, name);
    if (label < 0) throw new DataError(folder, `class folder '${name}' is not one of the training folder's classes (${classes.join(', ')})`);
    if (label >= space.count) throw outsideClasses(folder, `class folder '${name}' (class ${label} of ${classes.join(', ')})`, space);
    for (const e of fs.readdirSync(folder, { withFileTypes: true })) {
      if (e.isFile() && e.name.toLowerCase().endsWith('.png')) files.push({ file: path.join(folder, e.name), rel: `${name}/${e.name}`, label });
    }
  }
  const key = (f: ImageFile): string => crypto.createHash('sha256').update(f.rel).digest('hex');
  const keys = new Map(files.map((f) => [f, key(f)]));
  return files.sort((a, b) => byCodeUnit(keys.get(a) as string, keys.get(b) as string) || byCodeUnit(a.rel, b.rel));
}

function readBytes(file: string): Buffer {
  try {
    return readRegularFile(file, READ_LIMITS.data);
  } catch (err) {
    if (err instanceof FileReadError) throw new DataError(file, err.problem);
    throw err;
  }
}

/** One PNG's pixels as bytes, `shape` [h, w, c] channels-last; throws naming the file. */
export function decodePng(file: string, bytes: Uint8Array, shape: readonly number[]): Uint8Array {
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new DataError(file, `cannot decode it as a PNG image (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  const [height, width, channels] = shape;
  if (png.width !== width || png.height !== height) {
    throw new DataError(file, `the image is ${png.width}x${png.height} (width x height) but the model takes ${width}x${height} (input [${shape.join(', ')}])`);
  }
  const out = new Uint8Array(height * width * channels);
  const rgba = png.data;
  for (let p = 0; p < height * width; p++) {
    const [r, g, b] = [rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2]];
    if (channels === 3) out.set([r, g, b], 3 * p);
    else out[p] = png.color ? (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16 : r;
  }
  return out;
}

/** The model's input shape as an image's, or one line saying why it is not one. */
export function imageShape(inputShape: readonly number[], where: string): readonly number[] {
  const ok = inputShape.length === 3 && (inputShape[2] === 1 || inputShape[2] === 3);
  if (!ok) throw new DataError(where, `image data needs a model input [height, width, 1 or 3], but the model takes [${inputShape.join(', ')}]`);
  return inputShape;
}

function loadSplit(dir: string, classes: readonly string[], space: ClassSpace, shape: readonly number[], mode: NormalizeMode): { set: Dataset; sha256: string } {
  const files = imageFiles(dir, classes, space);
  const size = shape[0] * shape[1] * shape[2];
  const pixels = new Uint8Array(files.length * size);
  const labels = new Int32Array(files.length);
  const hash = crypto.createHash('sha256');
  files.forEach((f, i) => {
    const bytes = readBytes(f.file);
    hash.update(`${f.rel}\0${crypto.createHash('sha256').update(bytes).digest('hex')}\n`);
    pixels.set(decodePng(f.file, bytes, shape), i * size);
    labels[i] = f.label;
  });
  const set: Dataset = { x: pixelValues(pixels, mode), labels, count: files.length, inputShape: [...shape], classes: space.count, source: dir };
  return { set, sha256: hash.digest('hex') };
}

export interface ImageFolderSource {
  readonly train: string;
  readonly test: string;
}

/** The train and test sets of two class-per-subfolder image folders, for a model taking `inputShape`. */
export function loadImageFolderSets(
  src: ImageFolderSource, space: ClassSpace, inputShape: readonly number[], normalize: NormalizeMode | undefined,
): { train: Dataset; test: Dataset; hashes: Record<string, string>; classNames: readonly string[] } {
  const shape = imageShape(inputShape, src.train);
  const classes = classFolders(src.train);
  const mode = effectiveMode(normalize, true);
  const train = loadSplit(src.train, classes, space, shape, mode);
  const test = loadSplit(src.test, classes, space, shape, mode);
  return { train: train.set, test: test.set, hashes: { 'train-images': train.sha256, 'test-images': test.sha256 }, classNames: classes };
}

/** Only the test set (the training folder is listed for the class order, not read). */
export function loadImageFolderTestSet(
  src: ImageFolderSource, space: ClassSpace, inputShape: readonly number[], normalize: NormalizeMode | undefined,
): { test: Dataset; hashes: Record<string, string> } {
  const test = loadSplit(src.test, classFolders(src.train), space, imageShape(inputShape, src.train), effectiveMode(normalize, true));
  return { test: test.set, hashes: { 'test-images': test.sha256 } };
}

/** PNG images to predict: one file, or every `.png` of a folder (sorted by name). */
export function loadPngExamples(target: string, inputShape: readonly number[], normalize: NormalizeMode | undefined): { x: Float32Array; count: number; inputShape: number[]; files: string[] } {
  const shape = imageShape(inputShape, target);
  const files = fs.statSync(target).isDirectory()
    ? fs.readdirSync(target).filter((n) => n.toLowerCase().endsWith('.png')).sort(byCodeUnit).map((n) => path.join(target, n))
    : [target];
  const size = shape[0] * shape[1] * shape[2];
  const pixels = new Uint8Array(files.length * size);
  files.forEach((f, i) => pixels.set(decodePng(f, readBytes(f), shape), i * size));
  return { x: pixelValues(pixels, effectiveMode(normalize, true)), count: files.length, inputShape: [...shape], files };
}
