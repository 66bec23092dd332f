// Inputs a hostile user would hand nnc, for the CLI's robustness tests and the flag fuzzer:
// IDX folders with a wrong-sized or empty test set, a test set alone, a FIFO, a symlink to
// /dev/zero, a dangling symlink, weights full of NaN, model files too large to compile.

import { encodeIdx } from '../runtime/data/idx-files';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { writeSafetensors } from '../../runtime/io/safetensors';
import { readSafetensors } from '../../runtime/io/safetensors';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';
import { nnc } from './train-cli';


function writeTestSet(dir: string, count: number, side: number): void {
  fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), encodeIdx([count, side, side], new Uint8Array(count * side * side)));
  fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([count], new Uint8Array(count)));
}

/** The tiny training set with a test set of 5x5 images (the model takes 4x4). */
export function writeWrongSizedTestIdx(dir: string): string {
  writeTinyIdx(dir);
  writeTestSet(dir, 3, 5);
  return dir;
}

/** The tiny training set with an empty test set. */
export function writeEmptyTestIdx(dir: string): string {
  writeTinyIdx(dir);
  writeTestSet(dir, 0, 4);
  return dir;
}

/** Only the t10k files of the tiny data (what evaluating needs). */
export function writeTestOnlyIdx(dir: string): string {
  writeTinyIdx(dir);
  for (const part of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) fs.rmSync(path.join(dir, part));
  return dir;
}

/** A named pipe (a model or data file that would block a plain read forever); null where mkfifo is missing. */
export function makeFifo(file: string): string | null {
  try {
    execFileSync('mkfifo', [file]);
    return file;
  } catch {
    return null;
  }
}

/** A symbolic link to /dev/zero (read until memory runs out, by a plain read). */
export function linkToDevZero(file: string): string {
  fs.symlinkSync('/dev/zero', file);
  return file;
}

export function danglingLink(file: string): string {
  fs.symlinkSync(path.join(path.dirname(file), 'no-such-target'), file);
  return file;
}

/** A copy of a weights file with every value NaN. */
export function writeNanWeights(from: string, to: string): string {
  const { tensors, metadata } = readSafetensors(from);
  writeSafetensors(to, tensors.map((t) => ({ ...t, data: new Float32Array(t.data.length).fill(NaN) })), metadata);
  return to;
}

/** A dense model whose hidden layer has `units` units (the tiny model's shape otherwise). */
export function writeWideModel(file: string, units: string, name = 'wide'): string {
  fs.writeFileSync(file, `import { model, dense, flatten, adam, idx } from 'nnc';

export default model({
  name: '${name}',
  input: [4, 4, 1],
  layers: [
    flatten(),
    dense({ units: ${units} }),
    dense({ units: 10, activation: 'softmax' }),
  ],
  loss: 'categoricalCrossentropy',
  optimizer: adam({ learningRate: 0.02 }),
  fit: { batchSize: 32, epochs: 1, validationSplit: 0.2, seed: 1 },
  data: idx('data'),
});
`);
  return file;
}

/** A conv model with `filters` filters on 28x28 inputs: its activations outgrow 4 GiB at batch 250. */
export function writeConvModel(file: string, filters: string): string {
  fs.writeFileSync(file, `import { model, conv2d, flatten, dense, adam, mnist } from 'nnc';

export default model({
  name: 'conv-${filters}',
  input: [28, 28, 1],
  layers: [
    conv2d({ filters: ${filters}, kernelSize: 3 }),
    flatten(),
    dense({ units: 10, activation: 'softmax' }),
  ],
  loss: 'categoricalCrossentropy',
  optimizer: adam(),
  fit: { batchSize: 250, epochs: 1, validationSplit: 0.2, seed: 1 },
  data: mnist(),
});
`);
  return file;
}

/** Asserts the text is at most one line and holds no stack trace. */
export function oneLineNoStack(text: string): void {
  const lines = text.trim().split('\n');
  if (lines.length !== 1) throw new Error(`expected one line, got ${lines.length}:\n${text}`);
  if (/\n\s+at |internal error/.test(text)) throw new Error(`stack trace or internal error:\n${text}`);
}

/** A temp folder with tiny IDX data, the tiny model file and the weights of its one-epoch reference run. */
export async function trainedTiny(prefix: string): Promise<{ work: string; tiny: string; weights: string }> {
  const work = tempDir(prefix);
  writeTinyIdx(path.join(work, 'data'));
  const tiny = writeTinyModel(path.join(work, 'tiny.ts'), { epochs: 1 });
  const run = path.join(work, 'run');
  const r = await nnc('train', tiny, '--backend', 'reference', '--out', run);
  if (r.code !== 0) throw new Error(`training the tiny model failed: ${r.stderr}`);
  return { work, tiny, weights: path.join(run, 'weights.safetensors') };
}
