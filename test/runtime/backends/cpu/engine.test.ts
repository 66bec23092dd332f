// The CPU Engine (compiled float32 training step, 1 and 2 threads) against the reference
// Engine (the float64 interpreter) on generated models: the same initial weights, batches and
// dropout seeds give the same losses, parameters, optimizer slots, evaluation and
// predictions. Then the engine's own contract: its state round-trips bit for bit, and a
// batch size other than the model's compiles on demand and carries the training state.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { createCpuEngine } from '../../../../runtime/backends/cpu/engine';
import { createReferenceEngine } from '../../../../testing/reference-engine';
import type { Engine, NamedTensor, TrainingState } from '../../../../runtime/engine';
import type { CompiledModel } from '../../../../compiler/pipeline';
import { conv2d, constant, dense, dropout, flatten, maxPool2d, prelu } from '../../../../compiler/dsl/index';
import { arbSmallModelSpec, compileSmallModel, randomBatch, seededSpec, type Batch } from '../../../support/models';

// float32 against float64. Adam's first steps move every weight by about the learning rate
// whatever the gradient's size, so parameter errors stay near float32 rounding; 1e-4 leaves
// room for the gradients' long reductions (a conv kernel's sums over batch and image).
const LOSS = { atol: 1e-4, rtol: 1e-3 };
const PARAM_ATOL = 1e-4;
const PROB_ATOL = 1e-4;

function assertClose(got: number, want: number, tol: { atol: number; rtol: number }, what: string): void {
  assert.ok(Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want), `${what}: ${got}, reference ${want}`);
}

function assertTensorsClose(got: readonly NamedTensor[], want: readonly NamedTensor[], atol: number, rtol: number, what: string): void {
  assert.deepEqual(got.map((t) => t.name), want.map((t) => t.name), `${what}: names`);
  got.forEach((t, k) => {
    assert.deepEqual(t.shape, want[k].shape, `${what} ${t.name}: shape`);
    const i = t.data.findIndex((v, n) => !(Math.abs(v - want[k].data[n]) <= atol + rtol * Math.abs(want[k].data[n])));
    assert.ok(i < 0, `${what} ${t.name}[${i}]: ${t.data[i]}, reference ${want[k].data[i]}`);
  });
}

/** Examples whose two largest probabilities are within float32 noise: their arg-max may differ. */
function nearTies(probs: Float32Array, classes: number, batch: number): number {
  let ties = 0;
  for (let i = 0; i < batch; i++) {
    const row = Array.from(probs.subarray(i * classes, (i + 1) * classes)).sort((a, b) => b - a);
    if (row.length > 1 && row[0] - row[1] < 1e-5) ties++;
  }
  return ties;
}

/** Trains, evaluates and predicts with `engine` and `reference` side by side, comparing as it goes. */
function compareEngines(model: CompiledModel, engine: Engine, reference: Engine, steps: number, seed: number): void {
  const batch = model.spec.fit.batchSize;
  const classes = reference.predict(randomBatch(model, 1, seed).x, 1).length;
  for (let s = 0; s < steps; s++) {
    const b = randomBatch(model, batch, seed + s);
    const want = reference.trainStep(b.x, b.labels, batch, seed * 7 + s);
    const got = engine.trainStep(b.x, b.labels, batch, seed * 7 + s);
    assertClose(got.loss, want.loss, LOSS, `${engine.description}: step ${s + 1} loss`);
  }
  const mine = engine.getState(), theirs = reference.getState();
  assert.equal(mine.step, theirs.step);
  assertTensorsClose(mine.params, theirs.params, PARAM_ATOL, 0, `${engine.description}: param`);
  assertTensorsClose(mine.slots, theirs.slots, 1e-6, 1e-3, `${engine.description}: optimizer slot`);
  const test = randomBatch(model, batch, seed + 1000);
  const want = reference.evaluate(test.x, test.labels, batch);
  const got = engine.evaluate(test.x, test.labels, batch);
  assertClose(got.loss, want.loss, LOSS, `${engine.description}: evaluate loss`);
  const probs = reference.predict(test.x, batch);
  const predicted = engine.predict(test.x, batch);
  assert.equal(predicted.length, probs.length);
  const i = predicted.findIndex((p, n) => !(Math.abs(p - probs[n]) <= PROB_ATOL));
  assert.ok(i < 0, `${engine.description}: predict[${i}] = ${predicted[i]}, reference ${probs[i]}`);
  assert.ok(Math.abs(got.correct - want.correct) <= nearTies(probs, classes, batch), `${engine.description}: correct ${got.correct}, reference ${want.correct}`);
}

async function withEngines<T>(engines: Promise<Engine>[], body: (e: Engine[]) => T): Promise<T> {
  const made = await Promise.all(engines);
  try {
    return body(made);
  } finally {
    for (const e of made) e.dispose();
  }
}

describe('runtime/backends/cpu engine', function () {
  this.timeout(180_000);

  it('trains, evaluates and predicts like the reference engine on generated models (1 and 2 threads, to the same bits)', async () => {
    await fc.assert(fc.asyncProperty(arbSmallModelSpec(), fc.integer({ min: 1, max: 3 }), fc.nat({ max: 10_000 }), async (spec, steps, seed) => {
      const model = compileSmallModel(spec);
      fc.pre(model !== null);
      if (model === null) return;
      await withEngines([createCpuEngine(model, seed, 1), createCpuEngine(model, seed, 2)], (cpu) => {
        for (const engine of cpu) compareEngines(model, engine, createReferenceEngine(model, seed), steps, seed);
        // Fixed reduction shards: the thread count changes no bit of the trained state.
        assert.deepEqual(cpu[1].getState(), cpu[0].getState(), 'two threads trained to other values than one');
      });
    }), { numRuns: 16 });
  });

  const fixedModel = (): CompiledModel => {
    const model = compileSmallModel(seededSpec([8, 8, 2], [
      conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), prelu({ alphaInitializer: constant(0.25), sharedAxes: [1, 2] }),
      maxPool2d({ poolSize: 2 }), dropout({ rate: 0.25 }), flatten(), dense({ units: 6 }), prelu({ alphaInitializer: constant(0.1) }),
      dense({ units: 4, activation: 'softmax' }),
    ], 4));
    assert.ok(model);
    return model;
  };

  it('continues identically after getState/setState, in a new engine and in the same one', async () => {
    const model = fixedModel();
    const batches: Batch[] = [0, 1, 2, 3].map((s) => randomBatch(model, 4, s));
    const train = (e: Engine, from: number): number[] => batches.slice(from).map((b, s) => e.trainStep(b.x, b.labels, 4, 100 + from + s).loss);
    for (const threads of [1, 2]) {
      await withEngines([createCpuEngine(model, 1, threads), createCpuEngine(model, 2, threads)], ([a, b]) => {
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

  it('compiles another batch size on demand and carries the state between programs', async () => {
    const model = fixedModel();
    await withEngines([createCpuEngine(model, 5, 2)], ([cpu]) => {
      const reference = createReferenceEngine(model, 5);
      const sizes = [4, 3, 4, 1, 4];
      sizes.forEach((batch, s) => {
        const b = randomBatch(model, batch, 50 + s);
        const want = reference.trainStep(b.x, b.labels, batch, 9 + s);
        assertClose(cpu.trainStep(b.x, b.labels, batch, 9 + s).loss, want.loss, LOSS, `step ${s + 1} (batch ${batch}) loss`);
        const test = randomBatch(model, 5, 70 + s);
        assertClose(cpu.evaluate(test.x, test.labels, 5).loss, reference.evaluate(test.x, test.labels, 5).loss, LOSS, `evaluate after step ${s + 1}`);
      });
      assertTensorsClose(cpu.getState().params, reference.getState().params, PARAM_ATOL, 0, 'param');
    });
  });
});

function copyState(s: TrainingState): TrainingState {
  const copy = (t: NamedTensor): NamedTensor => ({ ...t, data: t.data.slice() });
  return { params: s.params.map(copy), slots: s.slots.map(copy), step: s.step };
}
