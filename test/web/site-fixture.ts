// The site the browser tests drive: a small CNN (conv, PReLU, pooling, dropout, dense: the
// seed model's layer kinds, small enough that SwiftShader's WebGL trains it in seconds),
// weights trained briefly in Node, and `nnc web` run on them as a user runs it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile } from '../../compiler/pipeline';
import { createEngine } from '../../runtime/backends/index';
import { loadMnist, sliceDataset } from '../../runtime/data/dataset';
import { writeSafetensors } from '../../runtime/io/safetensors';
import { fit } from '../../runtime/train/fit';
import type { SiteConfig } from '../../web/site';
import { nnc } from '../cli/train-cli';

export const BATCH = 16;

const MODEL = `import { model, conv2d, prelu, maxPool2d, dropout, flatten, dense, constant, adam, mnist } from 'nnc';

export default model({
  name: 'small-cnn',
  input: [28, 28, 1],
  layers: [
    conv2d({ filters: 4, kernelSize: 3 }),
    prelu({ alphaInitializer: constant(0.25) }),
    maxPool2d({ poolSize: 2 }),
    dropout({ rate: 0.25 }),
    flatten(),
    dense({ units: 10, activation: 'softmax' }),
  ],
  loss: 'categoricalCrossentropy',
  optimizer: adam({ learningRate: 0.01 }),
  metrics: ['accuracy'],
  fit: { batchSize: ${BATCH}, epochs: 1, validationSplit: 0.2, seed: 1 },
  data: mnist(),
});
`;

export interface SiteFixture {
  readonly dir: string;
  readonly modelFile: string;
  readonly weights: string;
  readonly site: SiteConfig;
}

/** Weights from 40 steps on the first 640 MNIST training images (seed 7), so predictions are confident. */
async function trainWeights(modelFile: string, out: string): Promise<void> {
  const built = await compile(modelFile);
  if (!built.ok) throw new Error(built.diagnostics.join('\n'));
  const engine = await createEngine(built.compiled, { backend: 'cpu', seed: 7, threads: 1 });
  try {
    const train = sliceDataset(loadMnist().train, 0, 640);
    await fit(engine, { train, val: null }, { epochs: 1, batchSize: BATCH, shuffle: true, seed: 7, labelMode: 'onehot' });
    writeSafetensors(out, engine.getState().params, { format: 'nnc-weights', model: 'small-cnn' });
  } finally {
    engine.dispose();
  }
}

/** Writes the small CNN's model file. */
export function writeSmallCnn(file: string): string {
  fs.writeFileSync(file, MODEL);
  return file;
}

export async function writeSite(root: string): Promise<SiteFixture> {
  const modelFile = writeSmallCnn(path.join(root, 'small-cnn.ts'));
  const weights = path.join(root, 'trained.safetensors');
  await trainWeights(modelFile, weights);
  const dir = path.join(root, 'site');
  const r = await nnc('web', modelFile, '--weights', weights, '--out', dir, '--batch-sizes', String(BATCH), '--train-images', '400', '--test-images', '100', '--samples', '24');
  if (r.code !== 0) throw new Error(`nnc web failed (${r.code}): ${r.stderr}`);
  const site = JSON.parse(fs.readFileSync(path.join(dir, 'site.json'), 'utf8')) as SiteConfig;
  return { dir, modelFile, weights, site };
}
