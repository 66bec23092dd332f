// Small generated models for the backend tests: the whole-model arbitrary
// (testing/arbitraries/model.ts) narrowed to plain image models, written as model files to a
// temp dir and compiled through the front end exactly as `nnc build` reads them, plus random
// batches for them. Specs that do not lower come back as null, so a property can filter them
// out (the arbitrary draws none, but fixed specs may).

import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { adam, mnist, type LayerSpec, type ModelSpec } from '../../compiler/dsl/index';
import { compileFile, compileSpec, type CompiledModel } from '../../compiler/pipeline';
import { LowerError } from '../../compiler/lower/lower';
import { printModelSource } from '../../testing/arbitraries/spec';
import { arbTrainableModelSpec } from '../../testing/arbitraries/model';
import { Rng } from '../../format/rng';

export interface SmallModelOptions {
  /** Batch sizes the spec's fit.batchSize is drawn from (default 2..6). */
  readonly minBatch?: number;
  readonly maxBatch?: number;
  /** Most layers before flatten (default 3). */
  readonly maxImageLayers?: number;
}

/**
 * Image models on inputs up to [10, 10, 3], 2 to 5 classes, trained with Adam at a few
 * learning rates: the whole-model arbitrary without regularizers, constraints or constant
 * weights (constant or zero kernels make exact ties in max pooling, where float32 and
 * float64 may pick different maxima: a true kink, not a backend error), and without batch
 * normalization: a bias before it has a gradient that is zero in exact arithmetic, which Adam
 * turns into a whole learning rate's step of float32 noise's sign, beyond these tests' fixed
 * tolerances (test/runtime/backends/batch-normalization.test.ts judges such models with
 * testing/check-backends.ts, whose tolerances follow the optimizer).
 */
export function arbSmallModelSpec(o: SmallModelOptions = {}): fc.Arbitrary<ModelSpec> {
  return arbTrainableModelSpec({
    ranks: [3], initializers: 'random', regularizers: false, constraints: false, batchNorm: false,
    minImageLayers: 1, maxImageLayers: o.maxImageLayers ?? 3, maxFlatLayers: 2, maxSide: 10,
    batch: { min: o.minBatch ?? 2, max: o.maxBatch ?? 6 }, classes: { min: 2, max: 5 },
    optimizer: fc.constantFrom(0.001, 0.003, 0.01).map((learningRate) => adam({ learningRate })),
  });
}

/** A fixed model (a regression case): softmax cross-entropy, Adam, batch 2. */
export function seededSpec(input: readonly number[], layers: readonly LayerSpec[], batchSize = 2): ModelSpec {
  return {
    name: 'fixed', input, layers, loss: 'categoricalCrossentropy', optimizer: adam(), metrics: ['accuracy'],
    fit: { batchSize, epochs: 1, validationSplit: 0, shuffle: false, seed: 1 }, data: mnist(),
  };
}

let scratchDir: string | null = null;

/** One temp dir per test process, removed when the process exits. */
export function modelDir(): string {
  if (scratchDir === null) {
    const dir = mkdtempSync(path.join(tmpdir(), 'nnc-models-'));
    scratchDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratchDir;
}

let written = 0;

/** Writes `spec` as a model file (DSL calls, as a user would) and returns its path. */
export function writeModelFile(spec: ModelSpec, dir = modelDir()): string {
  const file = path.join(dir, `model-${++written}.ts`);
  writeFileSync(file, printModelSource(spec));
  return file;
}

/**
 * The spec compiled from its model file; null when the spec does not lower (a shape error),
 * so properties can filter such specs out. Any other failure (the file does not read back) throws.
 */
export function compileSmallModel(spec: ModelSpec): CompiledModel | null {
  try {
    compileSpec(spec);
  } catch (e) {
    if (e instanceof LowerError) return null;
    throw e;
  }
  const file = writeModelFile(spec);
  const result = compileFile(file);
  if (!result.ok) throw new Error(`${file} does not compile although its spec lowers:\n${result.diagnostics.join('\n')}`);
  return result.model;
}

export interface Batch {
  readonly x: Float32Array;
  readonly labels: Float32Array;
  readonly batch: number;
}

/** Inputs uniform in [0, 1) and one label per example (one-hot, or a class index for sparse labels). */
export function randomBatch(model: CompiledModel, batch: number, seed: number): Batch {
  const io = model.io;
  const rng = new Rng((seed * 2654435761 + 99) >>> 0);
  const x = new Float32Array(batch * io.inputSize);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  const labels = new Float32Array(batch * io.labelSize);
  for (let i = 0; i < batch; i++) {
    const c = rng.nextU32() % io.classes;
    if (io.sparse) labels[i] = c; else labels[i * io.classes + c] = 1;
  }
  return { x, labels, batch };
}
