import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { buildModel, compileFile, type BuildOptions, type CompiledModel } from '../../../../compiler/pipeline';
import { conv2d, dense, flatten, maxPool2d, prelu, dropout, constant, l2, maxNorm, sgd } from '../../../../compiler/dsl/index';
import type { CompiledModelFiles } from '../../../../format/manifest';
import { createGpuEngine } from '../../../../runtime/backends/gpujs/engine';
import { EngineError, type Engine } from '../../../../runtime/engine';
import { createReferenceEngine } from '../../../../testing/reference-engine';
import { compileSmallModel, seededSpec } from '../../../support/models';
import { useGpu } from '../../../support/webgl';
import { buildGpuModel } from './build';

function seedModel(name: string): CompiledModel {
  const r = compileFile(path.join(__dirname, '../../../../models', `${name}.ts`));
  if (!r.ok) throw new Error(r.diagnostics.join('\n'));
  return r.model;
}

/** The gpu.js engine of `model` compiled by the spine (buildModel) or, for a model the CPU generator need not see, gpu.js programs only. */
async function gpuEngine(model: CompiledModel, opts: BuildOptions, spine = false): Promise<{ engine: Engine; compiled: CompiledModelFiles }> {
  const compiled = spine ? await buildModel(model, opts) : buildGpuModel(model, opts);
  const e = await createGpuEngine(compiled, 1);
  if ('reason' in e) throw new Error(e.reason);
  return { engine: e, compiled };
}

/** A deterministic batch whose label is a function of the image, so a model can learn it. */
function batchOf(model: CompiledModel, batch: number, offset: number): { x: Float32Array; labels: Float32Array } {
  const size = model.io.inputSize;
  const x = new Float32Array(batch * size);
  const labels = new Float32Array(batch * 10);
  for (let i = 0; i < batch; i++) {
    const cls = (i + offset) % 10;
    for (let j = 0; j < size; j++) x[i * size + j] = ((j * 7 + cls * 13) % 10 === 0 ? 1 : 0) + 0.05 * ((i * 31 + j) % 5);
    labels[i * 10 + cls] = 1;
  }
  return { x, labels };
}

/** float32 against the float64 reference. */
const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-4 + 1e-3 * Math.abs(b);

function maxDiff(a: Engine, b: Engine): number {
  const pa = a.getState().params, pb = b.getState().params;
  let worst = 0;
  pa.forEach((p, k) => p.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - pb[k].data[i])); }));
  return worst;
}

/** A small conv net with dropout, an L2 penalty and a max-norm constraint, trained at batch `batch`. */
function smallModel(batch: number): CompiledModel {
  const model = compileSmallModel(seededSpec([8, 8, 1], [
    conv2d({ filters: 4, kernelSize: 3, kernelRegularizer: l2(0.01) }), prelu({ alphaInitializer: constant(0.25) }), maxPool2d({ poolSize: 2 }),
    dropout({ rate: 0.25 }), flatten(), dense({ units: 10, activation: 'softmax', kernelConstraint: maxNorm({ maxValue: 0.5 }) }),
  ], batch));
  assert.ok(model);
  return model;
}

function tinySgdModel(): CompiledModel {
  const model = compileSmallModel({ ...seededSpec([6, 6, 1], [flatten(), dense({ units: 3, activation: 'softmax' })]), optimizer: sgd() });
  assert.ok(model);
  return model;
}

describe('runtime/backends/gpujs engine', function () {
  this.timeout(600000);

  describe('without a GPU', () => {
    it('gives the compiled model\'s refusal when it has no gpu.js programs', async () => {
      const noGpu = await buildModel(tinySgdModel(), { gpu: false });
      assert.deepEqual(await createGpuEngine(noGpu, 1), { reason: 'built without gpu.js programs (--no-gpu)' });
      const bare: CompiledModelFiles = { ...noGpu, manifest: { ...noGpu.manifest, gpuRefusal: null } };
      assert.deepEqual(await createGpuEngine(bare, 1), { reason: 'the compiled model has no gpu.js programs' });
    });

    it('builds gpu.js training programs for a model trained with SGD (every optimizer has gpu.js update kernels)', async () => {
      const compiled = await buildModel(tinySgdModel());
      assert.equal(compiled.manifest.gpuRefusal, null);
      const train = compiled.manifest.gpu.filter((p) => p.mode === 'train');
      assert.ok(train.length > 0);
      for (const p of train) assert.equal(p.update?.length, compiled.manifest.params.length);
    });
  });

  describe('on WebGL', () => {
    useGpu();

    for (const name of ['mnist-prelu', 'mnist-relu']) {
      it(`runs a whole ${name} training step like the float64 reference (batch 2)`, async () => {
        const model = seedModel(name);
        const { engine: gpu } = await gpuEngine(model, { trainBatches: [2], inferBatches: [2] }, true);
        const ref = createReferenceEngine(model, 1);
        try {
          const { x, labels } = batchOf(model, 2, 0);
          for (let step = 0; step < 2; step++) {
            const g = gpu.trainStep(x, labels, 2, 11 + step);
            const r = ref.trainStep(x, labels, 2, 11 + step);
            assert.ok(near(g.loss, r.loss), `step ${step}: gpu loss ${g.loss}, reference ${r.loss}`);
            assert.equal(g.correct, r.correct);
          }
          // Two Adam steps move each weight by about 2e-3 whatever the gradient: 1e-4 catches a wrong one.
          const worst = maxDiff(gpu, ref);
          assert.ok(worst < 1e-4, `params differ by ${worst}`);
          const b = batchOf(model, 2, 3);
          const e = gpu.evaluate(b.x, b.labels, 2);
          const f = ref.evaluate(b.x, b.labels, 2);
          assert.ok(near(e.loss, f.loss), `evaluate: gpu ${e.loss}, reference ${f.loss}`);
        } finally {
          gpu.dispose();
        }
      });
    }

    it('evaluates and predicts at batches without a program of their own, and refuses to train at one', async () => {
      const model = smallModel(4);
      const { engine: gpu, compiled } = await gpuEngine(model, {});
      assert.deepEqual(compiled.manifest.gpu.map((p) => `${p.mode}-${p.batch}`), ['train-4', 'infer-4', 'infer-1']);
      const ref = createReferenceEngine(model, 1);
      try {
        for (let step = 0; step < 2; step++) {
          const { x, labels } = batchOf(model, 4, step);
          gpu.trainStep(x, labels, 4, step);
          ref.trainStep(x, labels, 4, step);
        }
        const { x, labels } = batchOf(model, 7, 5);
        assert.throws(() => gpu.trainStep(x, labels, 7, 0),
          (e: unknown) => e instanceof EngineError && e.message === 'gpu.js: no training program for batch 7 (compiled training batches: 4)');
        const outputs = new Float32Array(ref.predict(x, 7).length).fill(NaN);
        const g = gpu.evaluate(x, labels, 7, outputs);
        const r = ref.evaluate(x, labels, 7);
        assert.ok(near(g.loss, r.loss), `evaluate at 7: gpu ${g.loss}, reference ${r.loss}`);
        assert.equal(g.correct, r.correct);
        const [gp, rp] = [gpu.predict(x, 7), ref.predict(x, 7)];
        assert.deepEqual(outputs, gp, "evaluate's outputs at 7 (in chunks) are not predict's");
        assert.equal(gp.length, rp.length);
        rp.forEach((v, i) => assert.ok(near(gp[i], v), `predict at 7 [${i}]: gpu ${gp[i]}, reference ${v}`));
      } finally {
        gpu.dispose();
      }
    });

    it('resumes from getState exactly as an uninterrupted run', async () => {
      const model = smallModel(4);
      const compiled = buildGpuModel(model);
      const [a, b] = await Promise.all([createGpuEngine(compiled, 1), createGpuEngine(compiled, 2)]);
      assert.ok(!('reason' in a) && !('reason' in b));
      try {
        const steps = [0, 1, 2].map((s) => batchOf(model, 4, s));
        a.trainStep(steps[0].x, steps[0].labels, 4, 0);
        const saved = a.getState();
        steps.slice(1).forEach((s, i) => a.trainStep(s.x, s.labels, 4, i + 1));
        b.setState(saved);
        steps.slice(1).forEach((s, i) => b.trainStep(s.x, s.labels, 4, i + 1));
        assert.deepEqual(b.getState(), a.getState());
      } finally {
        a.dispose();
        b.dispose();
      }
    });

    it('lowers the loss over 200 steps on a small data set as the float64 reference does', async () => {
      const model = smallModel(10);
      const { engine: gpu } = await gpuEngine(model, {});
      const ref = createReferenceEngine(model, 1);
      try {
        const losses = { gpu: [] as number[], ref: [] as number[] };
        for (let step = 0; step < 200; step++) {
          const { x, labels } = batchOf(model, 10, step);
          losses.gpu.push(gpu.trainStep(x, labels, 10, step).loss);
          losses.ref.push(ref.trainStep(x, labels, 10, step).loss);
        }
        const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
        const [g0, g1, r1] = [mean(losses.gpu.slice(0, 10)), mean(losses.gpu.slice(-10)), mean(losses.ref.slice(-10))];
        assert.ok(g1 < 0.75 * g0, `gpu loss went from ${g0} to ${g1}`);
        assert.ok(Math.abs(g1 - r1) <= 0.05 * r1 + 1e-3, `after 200 steps gpu loss ${g1}, reference ${r1}`);
      } finally {
        gpu.dispose();
      }
    });
  });
});
