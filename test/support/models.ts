// Small generated models for the backend tests: a fast-check arbitrary of sequential specs
// (conv, pooling, PReLU, the plain activations, dropout, dense; every loss), written as model
// files to a temp dir and compiled through the front end exactly as `nnc build` reads them,
// plus random batches for them. Specs that do not lower (a window larger than its map, say)
// come back as null, so a property can filter them out.

import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  adam, avgPool2d, constant, conv2d, dense, dropout, elu, flatten, leakyRelu, maxPool2d, mnist, prelu, relu, sigmoid, tanh,
  type ActivationName, type InitializerSpec, type LayerSpec, type LossName, type ModelSpec,
} from '../../compiler/dsl/index';
import { compileFile, compileSpec, type CompiledModel } from '../../compiler/pipeline';
import { LowerError } from '../../compiler/lower/lower';
import { printModelSource } from '../../testing/arbitraries/spec';
import { Rng } from '../../format/rng';

const small = fc.integer({ min: 1, max: 3 });
const pairOf = (a: fc.Arbitrary<number>): fc.Arbitrary<[number, number]> => fc.tuple(a, a);
const padding = fc.constantFrom('valid' as const, 'same' as const);
const hidden = fc.constantFrom<ActivationName>('linear', 'relu', 'sigmoid', 'tanh', 'elu');
// Random weights only: constant or zero kernels make exact ties in max pooling, where
// float32 and float64 may pick different maxima (a true kink, not a backend error).
const kernelInit = fc.constantFrom<InitializerSpec>({ kind: 'glorotUniform' }, { kind: 'heNormal' }, { kind: 'glorotNormal' });
const biasInit = fc.constantFrom<InitializerSpec>({ kind: 'zeros' }, { kind: 'glorotUniform' });
// alpha > 0 (Keras' default of 0 feeds runs of zeros, i.e. ties, into pooling).
const alpha = fc.double({ min: 0.05, max: 0.5, noNaN: true }).map((v) => constant(Math.round(v * 100) / 100));

const convLayer: fc.Arbitrary<LayerSpec> = fc
  .record({ filters: fc.integer({ min: 1, max: 4 }), kernelSize: pairOf(small), strides: pairOf(fc.integer({ min: 1, max: 2 })), padding, activation: hidden, useBias: fc.boolean(), kernelInitializer: kernelInit, biasInitializer: biasInit })
  .map((o) => conv2d(o));

const poolLayer: fc.Arbitrary<LayerSpec> = fc
  .record({ max: fc.boolean(), poolSize: pairOf(fc.integer({ min: 1, max: 2 })), strides: pairOf(fc.integer({ min: 1, max: 2 })), padding })
  .map(({ max, ...o }) => (max ? maxPool2d(o) : avgPool2d(o)));

const preluLayer = (axes: readonly number[]): fc.Arbitrary<LayerSpec> => fc
  .record({ alphaInitializer: alpha, sharedAxes: fc.subarray([...axes]) })
  .map((o) => prelu(o));

const activationLayer: fc.Arbitrary<LayerSpec> = fc.oneof(
  fc.constantFrom(relu(), sigmoid(), tanh()),
  fc.double({ min: 0.05, max: 0.5, noNaN: true }).map((a) => leakyRelu({ alpha: Math.round(a * 100) / 100 })),
  fc.double({ min: 0.2, max: 1.5, noNaN: true }).map((a) => elu({ alpha: Math.round(a * 100) / 100 })),
);

const dropoutLayer: fc.Arbitrary<LayerSpec> = fc.double({ min: 0, max: 0.5, noNaN: true }).map((r) => dropout({ rate: Math.round(r * 100) / 100 }));

const denseLayer: fc.Arbitrary<LayerSpec> = fc
  .record({ units: fc.integer({ min: 1, max: 8 }), activation: hidden, useBias: fc.boolean(), kernelInitializer: kernelInit, biasInitializer: biasInit })
  .map((o) => dense(o));

const imageLayer = fc.oneof(convLayer, convLayer, poolLayer, preluLayer([1, 2, 3]), activationLayer, dropoutLayer);
const flatLayer = fc.oneof(denseLayer, preluLayer([1]), activationLayer, dropoutLayer);

function head(loss: LossName): fc.Arbitrary<LayerSpec> {
  const activation = loss === 'meanSquaredError' ? fc.constantFrom<ActivationName>('softmax', 'linear', 'sigmoid') : fc.constant<ActivationName>('softmax');
  return fc.record({ units: fc.integer({ min: 2, max: 5 }), activation, kernelInitializer: kernelInit }).map((o) => dense(o));
}

export interface SmallModelOptions {
  /** Batch sizes the spec's fit.batchSize is drawn from (default 2..6). */
  readonly minBatch?: number;
  readonly maxBatch?: number;
  /** Most layers before flatten (default 3). */
  readonly maxImageLayers?: number;
}

/** Sequential image models on [6..10, 6..10, 1..3] inputs, trained with Adam. */
export function arbSmallModelSpec(o: SmallModelOptions = {}): fc.Arbitrary<ModelSpec> {
  const loss = fc.constantFrom<LossName>('categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'meanSquaredError');
  return loss.chain((lossName) => fc.record({
    input: fc.tuple(fc.integer({ min: 6, max: 10 }), fc.integer({ min: 6, max: 10 }), small),
    image: fc.array(imageLayer, { minLength: 1, maxLength: o.maxImageLayers ?? 3 }),
    flat: fc.array(flatLayer, { maxLength: 2 }),
    head: head(lossName),
    batchSize: fc.integer({ min: o.minBatch ?? 2, max: o.maxBatch ?? 6 }),
    learningRate: fc.constantFrom(0.001, 0.003, 0.01),
    seed: fc.nat({ max: 1000 }),
  }).map((m): ModelSpec => ({
    name: 'generated',
    input: m.input,
    layers: [...m.image, flatten(), ...m.flat, m.head],
    loss: lossName,
    optimizer: adam({ learningRate: m.learningRate }),
    metrics: ['accuracy'],
    fit: { batchSize: m.batchSize, epochs: 1, validationSplit: 0, shuffle: false, seed: m.seed },
    data: mnist(),
  })));
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
