// batchNormalization and the state it brings (params the training step replaces, not the
// optimizer): random models that hold the layer train on the CPU and gpu.js backends like the
// float64 reference, moving statistics included (testing/check-backends.ts compares them
// after each of two steps, then inference, which reads them); the moving statistics follow
// Keras' update rule computed here by hand; and they travel with the weights.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { buildModel, compileSpec, type CompiledModel } from '../../../compiler/pipeline';
import type { CompiledModelFiles } from '../../../format/manifest';
import type { ModelSpec } from '../../../format/spec';
import { adam, batchNormalization, dense, flatten, mnist } from '../../../compiler/dsl/index';
import { createCpuEngine } from '../../../runtime/backends/cpu/engine';
import { createGpuEngine } from '../../../runtime/backends/gpujs/engine';
import { arbTrainableModelSpec } from '../../../testing/arbitraries/model';
import { printModelSource } from '../../../testing/arbitraries/spec';
import { compareWithReference, formatMismatch } from '../../../testing/check-backends';
import { referenceHostOps } from '../../../testing/host-ops';
import { createReferenceEngine } from '../../../testing/reference-engine';
import { encodeSafetensors } from '../../../runtime/io/safetensors-bytes';
import { loadWeightsBytes } from '../../../runtime/io/weights-bytes';
import type { Engine } from '../../../runtime/engine';
import { assertSeeded, propertySeed } from '../../support/property-seed';
import { useGpu } from '../../support/webgl';

const RUNS = Number(process.env.NNC_FC_RUNS ?? 12);

/** Random models with at least one batchNormalization, Adam (so that gpu.js trains them too). */
const arbBatchNormModel = arbTrainableModelSpec({ optimizer: fc.constantFrom(1e-3, 1e-2).map((learningRate) => adam({ learningRate })) })
  .filter((s) => s.layers.some((l) => l.type === 'batchNormalization'));

async function build(spec: ModelSpec): Promise<{ model: CompiledModel; files: CompiledModelFiles }> {
  const model = compileSpec(spec);
  return { model, files: await buildModel(model) };
}

async function matchesReference(engine: Engine, model: CompiledModel, spec: ModelSpec): Promise<void> {
  try {
    const r = compareWithReference(model, engine, { seed: spec.fit.seed, batch: spec.fit.batchSize });
    if (r.mismatch) assert.fail(`${r.backend}, ${formatMismatch(r.mismatch)}\n${printModelSource(spec)}`);
    assert.ok(r.notComparable !== null || r.compared.weights > 0);
  } finally {
    engine.dispose();
  }
}

/** input [3] -> batchNormalization(momentum 0.9) -> a softmax head, on a fixed batch. */
function tinySpec(): ModelSpec {
  return {
    name: 'tiny-bn', input: [3], loss: 'categoricalCrossentropy', metrics: [], data: mnist(),
    fit: { batchSize: 4, epochs: 1, validationSplit: 0, shuffle: false, seed: 3 },
    optimizer: adam({ learningRate: 0.01 }),
    layers: [batchNormalization({ momentum: 0.9 }), flatten(), dense({ units: 2, activation: 'softmax' })],
  };
}

const X = Float32Array.from([0.5, 1, -2, 1.5, 3, 0, -0.5, 2, 4, 2.5, 0, 1]);
const LABELS = Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1]);

describe('batchNormalization: state the training step updates', function () {
  this.timeout(600_000);
  const { seed } = propertySeed(14);

  it('updates the moving statistics as Keras does: momentum * old + (1 - momentum) * the batch mean and biased variance', async () => {
    const { files } = await build(tinySpec());
    const cpu = await createCpuEngine(files, { seed: 3, threads: 1 });
    try {
      cpu.trainStep(X, LABELS, 4, 1);
      const state = new Map(cpu.getState().params.map((t) => [t.name, Array.from(t.data)]));
      for (let c = 0; c < 3; c++) {
        const column = [0, 1, 2, 3].map((i) => X[i * 3 + c]);
        const mean = column.reduce((a, b) => a + b, 0) / 4;
        const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / 4;
        // Initial moving mean 0 and variance 1 (Keras' initializers).
        assert.ok(Math.abs((state.get('batch_normalization_1.moving_mean') as number[])[c] - 0.1 * mean) < 1e-6);
        assert.ok(Math.abs((state.get('batch_normalization_1.moving_variance') as number[])[c] - (0.9 + 0.1 * variance)) < 1e-5);
      }
    } finally {
      cpu.dispose();
    }
  });

  it('lists the moving statistics as state, not params: no gradient, no optimizer slot, saved and loaded with the weights', async () => {
    const { model, files } = await build(tinySpec());
    assert.deepEqual(files.manifest.state.map((s) => s.name), ['batch_normalization_1.moving_mean', 'batch_normalization_1.moving_variance']);
    assert.deepEqual(files.manifest.params.map((p) => p.name), ['batch_normalization_1.gamma', 'batch_normalization_1.beta', 'dense_1.kernel', 'dense_1.bias']);
    assert.ok(!Object.keys(model.training.outputs).some((o) => o.startsWith('grad:batch_normalization_1.moving')));
    // The compiled single-pass optimizer update still applies: it covers the params, not the state.
    const update = files.manifest.cpu.find((p) => p.mode === 'train')?.update;
    assert.ok(update, 'the training program lost its compiled optimizer update');
    assert.equal(update.paramOffsets.length, files.manifest.params.length);
    const trained = await createCpuEngine(files, { seed: 3, threads: 1 });
    const fresh = await createCpuEngine(files, { seed: 3, threads: 1 });
    try {
      for (let s = 1; s <= 3; s++) trained.trainStep(X, LABELS, 4, s);
      const state = trained.getState();
      assert.ok(!state.slots.some((t) => t.name.includes('moving')));
      loadWeightsBytes(fresh, encodeSafetensors(state.params, undefined, 'weights.safetensors'), 'weights.safetensors');
      // Inference reads the moving statistics: equal predictions only if they were loaded.
      assert.deepEqual(fresh.predict(X, 4), trained.predict(X, 4));
      assert.notDeepEqual(createReferenceEngine(model, 3).predict(X, 4).map((v) => Math.round(v * 1e4)), trained.predict(X, 4).map((v) => Math.round(v * 1e4)));
    } finally {
      trained.dispose();
      fresh.dispose();
    }
  });

  it('trains random models holding it on the CPU like the float64 reference (moving statistics after two steps, then inference)', async () => {
    await assertSeeded(fc.asyncProperty(arbBatchNormModel, fc.constantFrom(1, 2), async (spec, threads) => {
      const { model, files } = await build(spec);
      await matchesReference(await createCpuEngine(files, { seed: spec.fit.seed, threads, hostOps: referenceHostOps }), model, spec);
    }), seed, RUNS);
  });

  describe('on gpu.js (WebGL)', () => {
    useGpu();

    it('trains the same models like the reference', async () => {
      await assertSeeded(fc.asyncProperty(arbBatchNormModel, async (spec) => {
        const { model, files } = await build(spec);
        const engine = await createGpuEngine(files, spec.fit.seed);
        if ('reason' in engine) assert.fail(`no gpu.js engine: ${engine.reason}`);
        await matchesReference(engine, model, spec);
      }), seed, Math.ceil(RUNS / 2));
    });
  });
});
