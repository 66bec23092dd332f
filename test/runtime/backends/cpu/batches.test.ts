// Batch sizes on the CPU Engine: every call runs a program compiled ahead of time. Training
// at a size without a program is refused in one line; evaluation at such a size runs the
// examples one at a time through the batch-1 program, and prediction runs chunks of the
// compiled sizes (padding the last with zeros), both checked against the reference.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { createCpuEngine } from '../../../../runtime/backends/cpu/engine';
import { inferencePlan } from '../../../../runtime/backends/cpu/programs';
import { EngineError } from '../../../../runtime/engine';
import { createReferenceEngine } from '../../../../testing/reference-engine';
import { referenceHostOps } from '../../../../testing/host-ops';
import { arbSmallModelSpec, compileSmallModel, randomBatch } from '../../../support/models';
import { buildCpuModel, fixedModel } from './build';
import { assertClose, assertProbsClose, assertTensorsClose, compareEvaluation, LOSS, PARAM_ATOL, withEngines } from './compare';

describe('runtime/backends/cpu engine: batch sizes', function () {
  this.timeout(180_000);

  it('trains at every compiled batch size, carrying the state between programs, and evaluates odd sizes through batch 1', async () => {
    const model = fixedModel();
    const files = await buildCpuModel(model, { trainBatches: [3, 1] });
    await withEngines([createCpuEngine(files, { seed: 5, threads: 2 })], ([cpu]) => {
      const reference = createReferenceEngine(model, 5);
      [4, 3, 4, 1, 4].forEach((batch, s) => {
        const b = randomBatch(model, batch, 50 + s);
        const want = reference.trainStep(b.x, b.labels, batch, 9 + s);
        assertClose(cpu.trainStep(b.x, b.labels, batch, 9 + s).loss, want.loss, LOSS, `step ${s + 1} (batch ${batch}) loss`);
        compareEvaluation(model, cpu, reference, 5, 70 + s, `after step ${s + 1}, batch 5`);
      });
      assertTensorsClose(cpu.getState().params, reference.getState().params, PARAM_ATOL, 0, 'param');
    });
  });

  it('refuses a training batch size without a program in one line that says how to rebuild', async () => {
    const files = await buildCpuModel(fixedModel(), { trainBatches: [2] });
    await withEngines([createCpuEngine(files, { seed: 1, threads: 1 })], ([cpu]) => {
      const b = randomBatch(fixedModel(), 37, 1);
      assert.throws(() => cpu.trainStep(b.x, b.labels, 37, 0), (e: unknown) => {
        assert.ok(e instanceof EngineError);
        assert.equal(e.message, 'fixed.nnc has no training program for batch size 37 (compiled: 2, 4); rebuild it with nnc build --train-batches 37');
        return true;
      });
      assert.equal(cpu.getState().step, 0, 'the refused step counted');
    });
  });

  it('evaluates a batch size without a program like the reference (generated models, batch 1 program)', async () => {
    await fc.assert(fc.asyncProperty(arbSmallModelSpec({ maxBatch: 4 }), fc.integer({ min: 2, max: 9 }), fc.nat({ max: 1000 }), async (spec, n, seed) => {
      const model = compileSmallModel(spec);
      fc.pre(model !== null && n !== spec.fit.batchSize);
      if (model === null) return;
      const files = await buildCpuModel(model);
      await withEngines([createCpuEngine(files, { seed, threads: 1, hostOps: referenceHostOps })], ([cpu]) => {
        compareEvaluation(model, cpu, createReferenceEngine(model, seed), n, seed, `batch ${n}`);
      });
    }), { numRuns: 12 });
  });

  it('predicts the same bits whether a batch runs on its own program, padded into a larger one, or row by row', async () => {
    const model = fixedModel();
    const padded = await buildCpuModel(model, { inferBatches: [8] });
    const exact = await buildCpuModel(model, { inferBatches: [6, 3] });
    const x = randomBatch(model, 6, 11).x;
    await withEngines([createCpuEngine(padded, { seed: 2, threads: 2 }), createCpuEngine(exact, { seed: 2, threads: 1 })], ([p, e]) => {
      const reference = createReferenceEngine(model, 2);
      for (const n of [6, 3, 5, 2]) {
        // Padded: 6 = 4 + 2 in 4, 3 in 4, 5 = 4 + 1, 2 in 4. Exact: 6, 3, 5 = 4 + 1, 2 = 1 + 1.
        const got = p.predict(x, n);
        assert.deepEqual(got, e.predict(x, n), `batch ${n}`);
        assertProbsClose(got, reference.predict(x, n), `batch ${n} against the reference`);
      }
    });
  });

  it('plans inference chunks: the largest fitting size, then the remainder by its own program or padded', () => {
    const plan = (batches: number[], n: number): string | undefined => inferencePlan(batches, n)?.map((c) => `${c.start}+${c.count}@${c.batch}`).join(' ');
    assert.equal(plan([1, 250], 250), '0+250@250');
    assert.equal(plan([1, 250], 600), '0+250@250 250+250@250 500+100@250');
    assert.equal(plan([1, 100, 250], 600), '0+250@250 250+250@250 500+100@100');
    assert.equal(plan([1, 4, 8], 6), '0+4@4 4+2@4');
    assert.equal(plan([1, 4], 2), '0+1@1 1+1@1');
    assert.equal(plan([4], 3), '0+3@4');
    assert.equal(plan([1], 0), '');
    assert.equal(plan([], 3), undefined);
  });

  it('refuses a compiled model whose files are missing', async () => {
    const files = await buildCpuModel(fixedModel());
    const partial = { manifest: files.manifest, files: new Map([...files.files].filter(([f]) => f !== 'cpu/infer-1.wasm')) };
    await assert.rejects(createCpuEngine(partial, { seed: 1 }), /^EngineError: fixed\.nnc is missing cpu\/infer-1\.wasm; rebuild it with nnc build$/);
  });
});
