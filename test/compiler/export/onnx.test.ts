// ONNX export against independent judges: onnxruntime must compute what nnc's CPU engine
// predicts (within 1e-5 absolute) for the seed models after a few training steps, for one
// model holding every layer type the DSL has, and for random models from the DSL's
// arbitraries with random weights; the ONNX project's checker (full shape inference) must
// accept every file written here.

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { onnx } from 'onnx-proto';
import {
  adam, avgPool2d, constant, conv2d, dense, dropout, elu, flatten, leakyRelu, maxPool2d, mnist, prelu, relu, sigmoid, softmax, tanh,
  activation, globalAveragePooling2d, globalMaxPooling2d, reshape, batchNormalization,
  type LayerSpec, type ModelSpec,
} from '../../../compiler/dsl/index';
import { exportOnnx, OnnxExportError, type WeightTensor } from '../../../compiler/export/onnx/export';
import { parseGraph } from '../../../compiler/ir/parser';
import { LAYER_CLASS } from '../../../compiler/lower/layers';
import { LowerError } from '../../../compiler/lower/lower';
import { nncVersion } from '../../../compiler/package/version';
import { compileFile, compileSpec, type CompiledModel } from '../../../compiler/pipeline';
import { Rng } from '../../../format/rng';
import { loadMnist } from '../../../runtime/data/dataset';
import type { Engine } from '../../../runtime/engine';
import { arbModelSpec } from '../../../testing/arbitraries/spec';
import { cpuEngine, maxAbsDiff, onnxChecker, runOnnx } from './onnx-peers';

const MODELS = path.resolve(__dirname, '..', '..', '..', 'models');
const TOLERANCE = 1e-5;

function info(model: CompiledModel): Parameters<typeof exportOnnx>[2] {
  return { name: model.spec.name, nncVersion: nncVersion(), sourceSha256: model.sourceSha256, sourceFile: path.basename(model.file) };
}

/**
 * Weights drawn here, independent of the model's initializers: kernels uniform with variance
 * 1/fan-in (times `convGain` for conv kernels), moving variances in [0.5, 1.5], the rest in [-0.5, 0.5].
 */
function randomWeights(model: CompiledModel, seed: number, convGain = 1): WeightTensor[] {
  const rng = new Rng(seed);
  return [...model.paramInfo, ...model.stateInfo].map((p) => {
    if (p.name.endsWith('.moving_variance')) return { name: p.name, shape: p.shape, data: Float32Array.from({ length: p.shape[0] }, () => 0.5 + rng.next()) };
    const fanIn = p.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const gain = p.shape.length === 4 ? convGain : 1;
    const scale = p.name.endsWith('.kernel') ? gain * Math.sqrt(3 / Math.max(fanIn, 1)) : 0.5;
    const data = new Float32Array(p.shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (rng.next() * 2 - 1) * scale;
    return { name: p.name, shape: p.shape, data };
  });
}

function randomInputs(model: CompiledModel, batch: number, seed: number): Float32Array {
  const rng = new Rng(seed ^ 0x5bd1e995);
  const x = new Float32Array(batch * model.io.inputSize);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() * 2 - 1;
  return x;
}

function setWeights(engine: Engine, weights: readonly WeightTensor[]): void {
  const state = engine.getState();
  engine.setState({ ...state, params: weights.map((w) => ({ name: w.name, shape: [...w.shape], data: w.data })) });
}

function spec(name: string, input: readonly number[], layers: readonly LayerSpec[]): ModelSpec {
  return {
    name, input, layers, loss: 'categoricalCrossentropy', optimizer: adam(), metrics: ['accuracy'],
    fit: { batchSize: 4, epochs: 1, validationSplit: 0, shuffle: false, seed: 1 }, data: mnist(),
  };
}

/** Odd sizes so 'same' padding is uneven (TF puts the extra cell after), strides, every layer type. */
const EVERY_LAYER = spec('every-layer', [9, 7, 2], [
  conv2d({ filters: 3, kernelSize: 2, strides: [2, 1], padding: 'same', activation: 'elu' }),
  prelu({ alphaInitializer: constant(0.2) }),
  relu(),
  maxPool2d({ poolSize: 3, strides: 2, padding: 'same' }),
  conv2d({ filters: 4, kernelSize: [2, 1], padding: 'valid', activation: 'softmax', useBias: false }),
  conv2d({ filters: 3, kernelSize: 1 }),
  prelu({ sharedAxes: [1, 2] }),
  avgPool2d({ poolSize: 2, strides: 1, padding: 'same' }),
  leakyRelu({ alpha: 0.1 }),
  sigmoid(),
  conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh' }),
  softmax(),
  conv2d({ filters: 3, kernelSize: 1, activation: 'relu' }),
  tanh(),
  dropout({ rate: 0.3 }),
  flatten(),
  dense({ units: 6 }),
  elu({ alpha: 0.7 }),
  prelu({ sharedAxes: [1] }),
  dense({ units: 5, activation: 'elu', useBias: false }),
  dense({ units: 4, activation: 'softmax' }),
]);

/**
 * Global pooling, reshape and the activation layer, each with its input held channels-first
 * (after a conv) and in nnc's own order (after a reshape), keepDims or not, and a reshape
 * feeding a conv: every form the reduction and reshape exporters produce.
 */
const SHAPING_LAYERS: readonly ModelSpec[] = [
  spec('global-max', [6, 5, 3], [
    conv2d({ filters: 4, kernelSize: 2, activation: 'tanh' }), activation({ activation: 'elu' }), globalMaxPooling2d(), dense({ units: 3, activation: 'softmax' }),
  ]),
  spec('global-average-kept', [6, 5, 3], [
    conv2d({ filters: 4, kernelSize: 2 }), activation({ activation: 'sigmoid' }), globalAveragePooling2d({ keepDims: true }),
    reshape({ targetShape: [2, 2, 1] }), conv2d({ filters: 3, kernelSize: 1, activation: 'relu' }), globalMaxPooling2d({ keepDims: true }),
    flatten(), dense({ units: 3, activation: 'softmax' }),
  ]),
  spec('reshaped-features', [12], [
    reshape({ targetShape: [2, -1, 2] }), conv2d({ filters: 3, kernelSize: 2, padding: 'same' }), globalAveragePooling2d(),
    activation({ activation: 'tanh' }), dense({ units: 4, activation: 'softmax' }),
  ]),
  spec('reshaped-pooled', [12], [
    reshape({ targetShape: [3, 2, -1] }), activation({ activation: 'relu' }), globalAveragePooling2d({ keepDims: true }),
    reshape({ targetShape: [-1] }), dense({ units: 3 }), activation({ activation: 'softmax' }),
  ]),
];

/** batchNormalization after a bias-free conv (its epilogue in nnc), after a dense layer, and without center or scale. */
const BATCH_NORM = spec('batch-norm', [6, 5, 3], [
  conv2d({ filters: 4, kernelSize: 2, useBias: false }), batchNormalization(), relu(), maxPool2d({ poolSize: 2 }),
  flatten(), dense({ units: 5 }), batchNormalization({ center: false, epsilon: 0.01 }), dense({ units: 4 }), batchNormalization({ scale: false }),
  dense({ units: 3, activation: 'softmax' }),
]);

describe('compiler/export/onnx: onnxruntime runs the exported model as nnc does', function () {
  this.timeout(300_000);
  let dir: string;
  const written: string[] = [];
  before(() => { dir = mkdtempSync(path.join(tmpdir(), 'nnc-onnx-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function keep(name: string, bytes: Uint8Array): void {
    const file = path.join(dir, `${name}.onnx`);
    writeFileSync(file, bytes);
    written.push(file);
  }

  /** onnxruntime's probabilities equal the engine's at `batch` and, for the first example, at batch 1 (N is free). */
  async function assertSame(model: CompiledModel, engine: Engine, bytes: Uint8Array, x: Float32Array, batch: number, what: string): Promise<void> {
    const want = engine.predict(x, batch);
    const got = await runOnnx(bytes, x, batch, model.io.inputShape);
    assert.ok(maxAbsDiff(got, want) <= TOLERANCE, `${what}: onnxruntime differs from nnc by ${maxAbsDiff(got, want)} at batch ${batch}`);
    const one = await runOnnx(bytes, x.slice(0, model.io.inputSize), 1, model.io.inputShape);
    const wantOne = want.slice(0, model.io.outputShape.reduce((a, b) => a * b, 1));
    assert.ok(maxAbsDiff(one, wantOne) <= TOLERANCE, `${what}: onnxruntime at batch 1 differs by ${maxAbsDiff(one, wantOne)}`);
  }

  for (const name of ['mnist-prelu', 'mnist-prelu-zeros', 'mnist-relu']) {
    it(`${name}: after three training steps on MNIST, onnxruntime's probabilities equal nnc's on 250 test digits`, async () => {
      const compiled = compileFile(path.join(MODELS, `${name}.ts`));
      assert.ok(compiled.ok);
      const model = compiled.model;
      const engine = await cpuEngine(model, []);
      try {
        const { test } = mnist250();
        const labels = new Float32Array(250 * 10);
        for (let i = 0; i < 250; i++) labels[i * 10 + test.labels[i]] = 1;
        for (let step = 0; step < 3; step++) engine.trainStep(test.x, labels, 250, step);
        const weights = engine.getState().params;
        assert.ok(weights.some((w) => w.name.endsWith('.bias') && w.data.some((v) => v !== 0)), 'training moved no bias');
        const bytes = exportOnnx(model.forward, weights, info(model));
        keep(name, bytes);
        await assertSame(model, engine, bytes, test.x, 250, name);
      } finally {
        engine.dispose();
      }
    });
  }

  it('exports a model with every layer type the DSL offers (odd sizes, strides, uneven same padding)', async () => {
    const tested = [EVERY_LAYER, ...SHAPING_LAYERS, BATCH_NORM].flatMap((m) => m.layers.map((l) => l.type));
    assert.deepEqual(new Set(tested), new Set(Object.keys(LAYER_CLASS)), 'EVERY_LAYER and SHAPING_LAYERS miss a layer type');
    const model = compileSpec(EVERY_LAYER, 'every-layer.ts');
    const engine = await cpuEngine(model, [5]);
    try {
      // Large conv kernels keep the squashing layers (softmax, sigmoid, tanh) from flattening the output.
      const weights = randomWeights(model, 1, 3);
      setWeights(engine, weights);
      const x = randomInputs(model, 5, 7);
      const spread = outputSpread(engine.predict(x, 5), 4);
      assert.ok(spread > 100 * TOLERANCE, `the test model's output hardly depends on its input (spread ${spread}): it would hide export mistakes`);
      const bytes = exportOnnx(model.forward, weights, info(model));
      keep('every-layer', bytes);
      await assertSame(model, engine, bytes, x, 5, 'every-layer');
    } finally {
      engine.dispose();
    }
  });

  for (const shaping of SHAPING_LAYERS) {
    it(`exports ${shaping.name}: global pooling (ReduceMean, ReduceMax), reshape and activation layers`, async () => {
      const model = compileSpec(shaping, `${shaping.name}.ts`);
      const engine = await cpuEngine(model, [5]);
      try {
        const weights = randomWeights(model, 2, 3);
        setWeights(engine, weights);
        const x = randomInputs(model, 5, 3);
        const units = model.io.outputShape.reduce((a, b) => a * b, 1);
        const spread = outputSpread(engine.predict(x, 5), units);
        assert.ok(spread > 100 * TOLERANCE, `${shaping.name}'s output hardly depends on its input (spread ${spread})`);
        const bytes = exportOnnx(model.forward, weights, info(model));
        keep(shaping.name, bytes);
        await assertSame(model, engine, bytes, x, 5, shaping.name);
      } finally {
        engine.dispose();
      }
    });
  }

  it('exports batchNormalization as one Mul and one Add per channel, folded from the weights (gamma, beta, moving statistics)', async () => {
    const model = compileSpec(BATCH_NORM, 'batch-norm.ts');
    const engine = await cpuEngine(model, [5]);
    try {
      const weights = randomWeights(model, 4, 3);
      setWeights(engine, weights);
      const x = randomInputs(model, 5, 5);
      assert.ok(outputSpread(engine.predict(x, 5), 3) > 100 * TOLERANCE, 'the batch-norm model\'s output hardly depends on its input');
      const bytes = exportOnnx(model.forward, weights, info(model));
      keep('batch-norm', bytes);
      await assertSame(model, engine, bytes, x, 5, 'batch-norm');
      const ops = onnx.ModelProto.decode(bytes).graph?.node?.map((n) => n.opType) ?? [];
      assert.equal(ops.filter((o) => o === 'Mul').length, 3, `ops: ${ops.join(', ')}`);
      assert.ok(!ops.includes('Sqrt') && !ops.includes('Div'), `the per-channel scale was not folded: ${ops.join(', ')}`);
    } finally {
      engine.dispose();
    }
  });

  it("equals nnc on random models from the DSL's arbitraries (images and feature vectors), with random weights", async () => {
    let exported = 0;
    await fc.assert(fc.asyncProperty(arbModelSpec('any'), fc.nat({ max: 1 << 30 }), async (s, seed) => {
      let model: CompiledModel;
      try {
        model = compileSpec(s);
      } catch (e) {
        if (e instanceof LowerError) { fc.pre(false); return; }
        throw e;
      }
      const engine = await cpuEngine(model, [3]);
      try {
        const weights = randomWeights(model, seed);
        setWeights(engine, weights);
        const bytes = exportOnnx(model.forward, weights, info(model));
        keep(`random-${++exported}`, bytes);
        await assertSame(model, engine, bytes, randomInputs(model, 3, seed), 3, `${s.layers.map((l) => l.type).join(',')} on [${s.input}]`);
      } finally {
        engine.dispose();
      }
    }), { numRuns: 50 });
    assert.ok(exported >= 40, `only ${exported} of the generated models lowered`);
  });

  it("passes the ONNX project's checker with full shape inference (python3-onnx), every file above", function () {
    const result = onnxChecker(written);
    if (!result.available) {
      console.log(`      ONNX checker not run: ${result.why}`);
      this.skip();
    }
    assert.ok(written.length >= 25, `only ${written.length} files were exported above`);
    assert.equal(result.results.length, written.length);
    for (const r of result.results) assert.equal(r.error, null, `${path.basename(r.file)}: ${r.error}`);
    const seed = result.results.find((r) => r.file.endsWith('mnist-prelu.onnx'))?.info;
    assert.ok(seed);
    assert.equal(seed.opset, 13);
    assert.deepEqual(seed.inputs, { x: ['N', 28, 28, 1] });
    assert.deepEqual(seed.outputs, { probs: ['N', 10] });
    assert.equal(seed.metadata.model_name, 'mnist-prelu');
    assert.equal(seed.metadata.nnc_version, nncVersion());
    assert.match(seed.metadata.source_sha256, /^[0-9a-f]{64}$/);
  });

  it('carries the model name, nnc version and source hash in its metadata', () => {
    const model = compileSpec(EVERY_LAYER, 'every-layer.ts', 'ab'.repeat(32));
    const decoded = onnx.ModelProto.decode(exportOnnx(model.forward, randomWeights(model, 1), info(model)));
    const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
    assert.deepEqual(meta, { model_name: 'every-layer', nnc_version: nncVersion(), source_sha256: 'ab'.repeat(32), source_file: 'every-layer.ts', input_layout: 'NHWC' });
    assert.equal(decoded.producerName, 'nnc');
    assert.deepEqual(decoded.opsetImport.map((o) => [o.domain, Number(o.version)]), [['', 13]]);
  });

  it('refuses an op without an ONNX form in one line naming it, and weights that do not fit the model', () => {
    const graph = parseGraph([
      '%0 = input name=x : f32[N,4]',
      '%1 = param init=zeros() name=dense_1.kernel : f32[4,3]',
      '%2 = matmul(%0, %1) transposeA=false transposeB=false : f32[N,3]',
      '%3 = sign(%2) : f32[N,3]',
      '%4 = softmax(%3) axis=-1 : f32[N,3]',
      'outputs probs=%4',
    ].join('\n'));
    const weights = [{ name: 'dense_1.kernel', shape: [4, 3], data: new Float32Array(12) }];
    const meta = { name: 't', nncVersion: '0', sourceSha256: '0', sourceFile: 't.ts' };
    assert.throws(() => exportOnnx(graph, weights, meta), (e: Error) => e instanceof OnnxExportError && /^op 'sign' \(%3\) has no ONNX form/.test(e.message) && !e.message.includes('\n'));
    const fine = parseGraph([
      '%0 = input name=x : f32[N,4]',
      '%1 = param init=zeros() name=dense_1.kernel : f32[4,3]',
      '%2 = matmul(%0, %1) transposeA=false transposeB=false : f32[N,3]',
      'outputs probs=%2',
    ].join('\n'));
    assert.throws(() => exportOnnx(fine, [{ name: 'dense_1.kernel', shape: [3, 4], data: new Float32Array(12) }], meta), /dense_1\.kernel have shape \[3,4\].*\[4,3\]/);
    assert.throws(() => exportOnnx(fine, [], meta), /no weights for param dense_1\.kernel/);
  });
});

/** The largest difference between two examples' values of one output unit. */
function outputSpread(probs: Float32Array, units: number): number {
  let spread = 0;
  for (let u = 0; u < units; u++) {
    const column = probs.filter((_, i) => i % units === u);
    spread = Math.max(spread, Math.max(...column) - Math.min(...column));
  }
  return spread;
}

let mnistCache: ReturnType<typeof loadMnist> | null = null;

/** The first 250 MNIST test digits. */
function mnist250(): { test: { x: Float32Array; labels: ArrayLike<number> } } {
  mnistCache ??= loadMnist();
  const t = mnistCache.test;
  return { test: { x: t.x.slice(0, 250 * 784), labels: t.labels.slice(0, 250) } };
}
