// The CPU Engine (compiled float32 programs, 1 and 2 threads) against the reference Engine
// (the float64 interpreter) on generated models: the same initial weights, batches and
// dropout seeds give the same losses, parameters, optimizer slots, evaluation and
// predictions. Then the engine's own contract: one module gives the same bits on any thread
// count, and its state round-trips bit for bit.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { createCpuEngine } from '../../../../runtime/backends/cpu/engine';
import { createReferenceEngine } from '../../../../testing/reference-engine';
import { referenceHostOps } from '../../../../testing/host-ops';
import type { Engine } from '../../../../runtime/engine';
import { arbSmallModelSpec, compileSmallModel, randomBatch, type Batch } from '../../../support/models';
import { buildCpuModel, fixedModel, viaJson } from './build';
import { compareEngines, copyState, withEngines } from './compare';

describe('runtime/backends/cpu engine', function () {
  this.timeout(180_000);

  it('trains, evaluates and predicts like the reference engine on generated models (one module on 1 and 2 threads, to the same bits)', async () => {
    await fc.assert(fc.asyncProperty(arbSmallModelSpec(), fc.integer({ min: 1, max: 3 }), fc.nat({ max: 10_000 }), async (spec, steps, seed) => {
      const model = compileSmallModel(spec);
      fc.pre(model !== null);
      if (model === null) return;
      const files = await buildCpuModel(model);
      // The second engine reads the manifest back from JSON, as from manifest.json.
      // Sparse labels run their loss on the host: every engine here gets the reference host ops.
      const opts = { seed, hostOps: referenceHostOps };
      await withEngines([createCpuEngine(files, { ...opts, threads: 1 }), createCpuEngine(viaJson(files), { ...opts, threads: 2 })], (cpu) => {
        for (const engine of cpu) compareEngines(model, engine, createReferenceEngine(model, seed), steps, seed);
        // Fixed reduction shards: the thread count changes no bit of the trained state.
        assert.deepEqual(cpu[1].getState(), cpu[0].getState(), 'two threads trained to other values than one');
      });
    }), { numRuns: 16 });
  });

  it('runs the same module on 1, 2 and 3 threads to the same bits, the seed-like fixed model included', async () => {
    const model = fixedModel();
    const files = await buildCpuModel(model);
    const batches: Batch[] = [0, 1, 2].map((s) => randomBatch(model, 4, s));
    const run = (e: Engine): unknown => ({
      losses: batches.map((b, s) => e.trainStep(b.x, b.labels, 4, 40 + s)),
      evaluation: e.evaluate(batches[0].x, batches[0].labels, 4),
      predictions: e.predict(batches[1].x, 4),
      state: e.getState(),
    });
    await withEngines([1, 2, 3].map((threads) => createCpuEngine(files, { seed: 3, threads })), (cpu) => {
      const [one, ...others] = cpu.map(run);
      others.forEach((r, k) => assert.deepEqual(r, one, `${k + 2} threads`));
    });
  });

  it('continues identically after getState/setState, in a new engine and in the same one', async () => {
    const model = fixedModel();
    const files = await buildCpuModel(model);
    const batches: Batch[] = [0, 1, 2, 3].map((s) => randomBatch(model, 4, s));
    const train = (e: Engine, from: number): number[] => batches.slice(from).map((b, s) => e.trainStep(b.x, b.labels, 4, 100 + from + s).loss);
    for (const threads of [1, 2]) {
      await withEngines([createCpuEngine(files, { seed: 1, threads }), createCpuEngine(files, { seed: 2, threads })], ([a, b]) => {
        a.trainStep(batches[0].x, batches[0].labels, 4, 100);
        const saved = a.getState();
        const kept = copyState(saved);
        const uninterrupted = train(a, 1);
        const after = a.getState();
        assert.deepEqual(saved, kept, 'training changed a state getState had returned');
        b.setState(saved);
        for (const t of [...saved.params, ...saved.slots]) t.data.fill(NaN);
        assert.deepEqual(train(b, 1), uninterrupted, `${threads} thread(s): a new engine resumed differently`);
        assert.deepEqual(b.getState(), after);
        a.setState(kept);
        assert.deepEqual(train(a, 1), uninterrupted, `${threads} thread(s): the same engine resumed differently`);
      });
    }
  });
});
