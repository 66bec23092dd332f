// Tiny IDX data and model files for the train / eval / compare CLI tests: 4x4 images in
// which class c lights pixel c (with noise), so a small dense model learns them in a few
// epochs on the reference backend.

import { encodeIdx } from '../runtime/data/idx-files';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '../../format/rng';


function writeSet(dir: string, prefix: string, count: number, rng: Rng): void {
  const images = new Uint8Array(count * 16);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = rng.nextU32() % 10;
    labels[n] = label;
    for (let p = 0; p < 16; p++) images[n * 16 + p] = Math.floor(rng.next() * 60);
    images[n * 16 + label] = 200 + Math.floor(rng.next() * 55);
  }
  fs.writeFileSync(path.join(dir, `${prefix}-images-idx3-ubyte`), encodeIdx([count, 4, 4], images));
  fs.writeFileSync(path.join(dir, `${prefix}-labels-idx1-ubyte`), encodeIdx([count], labels));
}

export function tempDir(prefix = 'nnc-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** An IDX folder with 200 training and 60 test examples of 4x4x1. */
export function writeTinyIdx(dir: string, seed = 3): string {
  fs.mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  writeSet(dir, 'train', 200, rng);
  writeSet(dir, 't10k', 60, rng);
  return dir;
}

export interface TinyModelOptions {
  readonly name?: string;
  readonly alpha?: number;
  readonly epochs?: number;
  readonly dataDir?: string;
  readonly activation?: 'prelu' | 'relu';
}

/** A dense 16 -> 12 -> 10 model file reading IDX data from `dataDir` (relative to the file). */
export function writeTinyModel(file: string, o: TinyModelOptions = {}): string {
  const hidden = o.activation === 'relu' ? 'relu()' : `prelu({ alphaInitializer: constant(${o.alpha ?? 0.25}) })`;
  fs.writeFileSync(file, `import { model, dense, flatten, prelu, relu, dropout, adam, idx, constant } from 'nnc';

export default model({
  name: '${o.name ?? 'tiny'}',
  input: [4, 4, 1],
  layers: [
    flatten(),
    dense({ units: 12 }),
    ${hidden},
    dropout({ rate: 0.1 }),
    dense({ units: 10, activation: 'softmax' }),
  ],
  loss: 'categoricalCrossentropy',
  optimizer: adam({ learningRate: 0.02 }),
  metrics: ['accuracy'],
  fit: { batchSize: 32, epochs: ${o.epochs ?? 4}, validationSplit: 0.2, seed: 1 },
  data: idx('${o.dataDir ?? 'data'}'),
});
`);
  return file;
}
