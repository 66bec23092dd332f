// The host optimizer update (the CPU engine's fallback and the reference engine's) against
// Keras 3's formulas (test/support/keras-optimizers.ts) over several steps: RMSprop, AdamW,
// gradient clipping and learning-rate schedules, alone and together.

import { strict as assert } from 'node:assert';
import type { OptimizerSpec } from '../../../format/spec';
import { Rng } from '../../../format/rng';
import { adam, adamw, cosineDecay, exponentialDecay, piecewiseConstantDecay, rmsprop, sgd } from '../../../compiler/dsl/index';
import { applyUpdate, slotNames } from '../../../runtime/params/optimizer';
import { kerasStart, kerasStep, type KerasOptimizer } from '../../support/keras-optimizers';

const STEPS = 6;
const SIZES = [1, 5, 12];

function draws(seed: number): { w: number[][]; grads: number[][][] } {
  const rng = new Rng(seed);
  const v = (): number => Math.fround((rng.next() * 2 - 1) * (rng.next() < 0.3 ? 0.01 : 1));
  return { w: SIZES.map((n) => Array.from({ length: n }, v)), grads: Array.from({ length: STEPS }, () => SIZES.map((n) => Array.from({ length: n }, v))) };
}

function check(spec: OptimizerSpec, keras: KerasOptimizer, seed = 3): void {
  const { w, grads } = draws(seed);
  const params = w.map((p) => Float32Array.from(p));
  const slots = new Map(slotNames(spec).map((name) => [name, SIZES.map((n) => new Float32Array(n))]));
  const want = kerasStart(keras, w);
  grads.forEach((g, t) => {
    applyUpdate(spec, params, g, slots, t + 1);
    kerasStep(keras, want, g);
  });
  const close = (got: ArrayLike<number>, expected: number[], what: string): void => {
    for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(got[i] - expected[i]) <= 1e-6 + 1e-5 * Math.abs(expected[i]), `${what}[${i}]: ${got[i]} vs Keras ${expected[i]}`);
  };
  params.forEach((p, k) => close(p, want.w[k], `param ${k}`));
  assert.deepEqual([...slots.keys()].sort(), Object.keys(want.slots).sort());
  for (const [name, arrays] of slots) arrays.forEach((a, k) => close(a, want.slots[name][k], `${name} ${k}`));
}

describe('optimizers against Keras 3 (host update)', () => {
  it('RMSprop: plain, centred, with momentum, both', () => {
    for (const centered of [false, true]) {
      for (const momentum of [0, 0.9]) {
        check(rmsprop({ learningRate: 0.01, rho: 0.8, momentum, epsilon: 1e-7, centered }), { name: 'rmsprop', learning_rate: 0.01, rho: 0.8, momentum, epsilon: 1e-7, centered });
      }
    }
  });

  it("RMSprop takes TF.js' name decay for rho, and Keras 3's defaults", () => {
    assert.deepEqual(rmsprop({ decay: 0.5 }), rmsprop({ rho: 0.5 }));
    assert.deepEqual(rmsprop(), { kind: 'rmsprop', learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    check(rmsprop(), { name: 'rmsprop', learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
  });

  it('AdamW: decoupled weight decay, then Adam (Keras 3 defaults: weight decay 0.004)', () => {
    assert.deepEqual(adamw(), { kind: 'adamw', learningRate: 0.001, weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    check(adamw({ learningRate: 0.01, weightDecay: 0.1 }), { name: 'adamw', learning_rate: 0.01, weight_decay: 0.1, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
    check(adamw({ learningRate: 0.05, weightDecay: 0.004, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }), { name: 'adamw', learning_rate: 0.05, weight_decay: 0.004, beta_1: 0.5, beta_2: 0.9, epsilon: 1e-3 });
  });

  it('AdamW with no gradient shrinks every weight by lr * weightDecay per step', () => {
    const p = [Float32Array.from([1, -2, 0.5])];
    const slots = new Map([['m', [new Float32Array(3)]], ['v', [new Float32Array(3)]]]);
    applyUpdate(adamw({ learningRate: 0.1, weightDecay: 0.5 }), p, [[0, 0, 0]], slots, 1);
    assert.deepEqual([...p[0]], [0.95, -1.9, 0.475].map(Math.fround));
  });

  it('clipnorm scales each gradient to its norm limit; globalClipnorm all of them together; clipvalue clamps', () => {
    check(sgd({ learningRate: 0.1, clipnorm: 0.5 }), { name: 'sgd', learning_rate: 0.1, clipnorm: 0.5 });
    check(sgd({ learningRate: 0.1, globalClipnorm: 0.5 }), { name: 'sgd', learning_rate: 0.1, global_clipnorm: 0.5 });
    check(sgd({ learningRate: 0.1, clipvalue: 0.05 }), { name: 'sgd', learning_rate: 0.1, clipvalue: 0.05 });
    check(adam({ clipnorm: 0.3 }), { name: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, clipnorm: 0.3 });
    check(rmsprop({ globalClipnorm: 0.2, momentum: 0.5 }), { name: 'rmsprop', learning_rate: 0.001, rho: 0.9, momentum: 0.5, epsilon: 1e-7, global_clipnorm: 0.2 });
    check(adamw({ clipvalue: 0.1 }), { name: 'adamw', learning_rate: 0.001, weight_decay: 0.004, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, clipvalue: 0.1 });
  });

  it('a gradient [3, 4] under clipnorm 1 becomes [0.6, 0.8]; one under the limit is unchanged', () => {
    const p = [new Float32Array(2), new Float32Array(1)];
    applyUpdate(sgd({ learningRate: 1, clipnorm: 1 }), p, [[3, 4], [0.5]], new Map(), 1);
    assert.deepEqual([...p[0]], [-0.6, -0.8].map(Math.fround));
    assert.deepEqual([...p[1]], [-0.5]);
    const q = [new Float32Array(2), new Float32Array(1)];
    // Global norm sqrt(9 + 16 + 0) = 5: every gradient scaled by 1/5.
    applyUpdate(sgd({ learningRate: 1, globalClipnorm: 1 }), q, [[3, 4], [0]], new Map(), 1);
    assert.deepEqual([...q[0]], [-0.6, -0.8].map(Math.fround));
    // Norms under 1: [0.3, 0] and [0.4] have the global norm 0.5, scaled to 0.25 (by half); alone, 0.4 is scaled to 0.25.
    const r = [new Float32Array(2), new Float32Array(1)];
    applyUpdate(sgd({ learningRate: 1, globalClipnorm: 0.25 }), r, [[0.3, 0], [0.4]], new Map(), 1);
    assert.deepEqual([...r[0], ...r[1]], [-0.15, 0, -0.2].map(Math.fround));
    const u = [new Float32Array(2), new Float32Array(1)];
    applyUpdate(sgd({ learningRate: 1, clipnorm: 0.25 }), u, [[0.3, 0], [0.4]], new Map(), 1);
    assert.deepEqual([...u[0], ...u[1]], [-0.25, 0, -0.25].map(Math.fround));
  });

  it('steps with the schedule at the updates done so far', () => {
    check(sgd({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 }), momentum: 0.9 }),
      { name: 'sgd', learning_rate: { kind: 'ExponentialDecay', initial_learning_rate: 0.1, decay_steps: 2, decay_rate: 0.5, staircase: false }, momentum: 0.9 });
    check(rmsprop({ learningRate: piecewiseConstantDecay({ boundaries: [1, 3], values: [0.1, 0.01, 0.001] }) }),
      { name: 'rmsprop', learning_rate: { kind: 'PiecewiseConstantDecay', boundaries: [1, 3], values: [0.1, 0.01, 0.001] }, rho: 0.9, momentum: 0, epsilon: 1e-7 });
    check(adamw({ learningRate: cosineDecay({ initialLearningRate: 0, decaySteps: 3, alpha: 0.1, warmupTarget: 0.01, warmupSteps: 2 }) }),
      { name: 'adamw', learning_rate: { kind: 'CosineDecay', initial_learning_rate: 0, decay_steps: 3, alpha: 0.1, warmup_target: 0.01, warmup_steps: 2 }, weight_decay: 0.004, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 });
  });
});
