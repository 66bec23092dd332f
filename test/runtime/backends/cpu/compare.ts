// Comparing a CPU Engine (float32) with the reference Engine (float64) for the CPU runtime's
// tests: tolerances, and a train-evaluate-predict run of both side by side.

import { strict as assert } from 'node:assert';
import type { Engine, NamedTensor, TrainingState } from '../../../../runtime/engine';
import type { CompiledModel } from '../../../../compiler/pipeline';
import { randomBatch } from '../../../support/models';

// float32 against float64. Adam's first steps move every weight by about the learning rate
// whatever the gradient's size, so parameter errors stay near float32 rounding; 1e-4 leaves
// room for the gradients' long reductions (a conv kernel's sums over batch and image).
export const LOSS = { atol: 1e-4, rtol: 1e-3 };
export const PARAM_ATOL = 1e-4;
export const PROB_ATOL = 1e-4;

export function assertClose(got: number, want: number, tol: { atol: number; rtol: number }, what: string): void {
  assert.ok(Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want), `${what}: ${got}, reference ${want}`);
}

export function assertTensorsClose(got: readonly NamedTensor[], want: readonly NamedTensor[], atol: number, rtol: number, what: string): void {
  assert.deepEqual(got.map((t) => t.name), want.map((t) => t.name), `${what}: names`);
  got.forEach((t, k) => {
    assert.deepEqual(t.shape, want[k].shape, `${what} ${t.name}: shape`);
    const i = t.data.findIndex((v, n) => !(Math.abs(v - want[k].data[n]) <= atol + rtol * Math.abs(want[k].data[n])));
    assert.ok(i < 0, `${what} ${t.name}[${i}]: ${t.data[i]}, reference ${want[k].data[i]}`);
  });
}

export function assertProbsClose(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const i = got.findIndex((p, n) => !(Math.abs(p - want[n]) <= PROB_ATOL));
  assert.ok(i < 0, `${what}[${i}] = ${got[i]}, reference ${want[i]}`);
}

/** Examples whose two largest probabilities are within float32 noise: their arg-max may differ. */
export function nearTies(probs: Float32Array, classes: number, batch: number): number {
  let ties = 0;
  for (let i = 0; i < batch; i++) {
    const row = Array.from(probs.subarray(i * classes, (i + 1) * classes)).sort((a, b) => b - a);
    if (row.length > 1 && row[0] - row[1] < 1e-5) ties++;
  }
  return ties;
}

/** Evaluates `batch` rows on both engines: losses close, correct counts equal but for near ties. */
export function compareEvaluation(model: CompiledModel, engine: Engine, reference: Engine, batch: number, seed: number, what: string): void {
  const test = randomBatch(model, batch, seed);
  const want = reference.evaluate(test.x, test.labels, batch);
  const outputs = new Float32Array(batch * model.io.outputShape.reduce((a, b) => a * b, 1)).fill(NaN);
  const got = engine.evaluate(test.x, test.labels, batch, outputs);
  assert.deepEqual(outputs, engine.predict(test.x, batch), `${what}: evaluate's outputs are not predict's`);
  assertClose(got.loss, want.loss, LOSS, `${what}: evaluate loss`);
  const probs = reference.predict(test.x, batch);
  assertProbsClose(engine.predict(test.x, batch), probs, `${what}: predict`);
  const ties = nearTies(probs, model.io.classes, batch);
  assert.ok(Math.abs(got.correct - want.correct) <= ties, `${what}: correct ${got.correct}, reference ${want.correct}`);
}

/** Trains, evaluates and predicts with `engine` and `reference` side by side, comparing as it goes. */
export function compareEngines(model: CompiledModel, engine: Engine, reference: Engine, steps: number, seed: number): void {
  const batch = model.spec.fit.batchSize;
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
  compareEvaluation(model, engine, reference, batch, seed + 1000, engine.description);
}

export async function withEngines<T>(engines: readonly Promise<Engine>[], body: (e: Engine[]) => T): Promise<T> {
  const made = await Promise.all(engines);
  try {
    return body(made);
  } finally {
    for (const e of made) e.dispose();
  }
}

export function copyState(s: TrainingState): TrainingState {
  const copy = (t: NamedTensor): NamedTensor => ({ ...t, data: t.data.slice() });
  return { params: s.params.map(copy), slots: s.slots.map(copy), step: s.step };
}
