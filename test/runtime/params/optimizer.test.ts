// The JS optimizer update (the CPU engine's and the reference engine's) against Keras 2's
// formulas, written out here in float64 over several steps with varying gradients:
//   SGD:      velocity = momentum * velocity - lr * g
//             plain:    w += velocity
//             nesterov: w += momentum * velocity - lr * g
//   Adam:     m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//             lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)
//             w -= lr_t * m / (sqrt(v) + epsilon)      (Keras 2: epsilon outside the sqrt, not bias-corrected)

import { strict as assert } from 'node:assert';
import type { OptimizerSpec } from '../../../format/spec';
import { Rng } from '../../../format/rng';
import { applyUpdate, slotNames } from '../../../runtime/params/optimizer';

const STEPS = 6;
const SIZES = [1, 5, 12];

/** Gradients per step and per param, float32-representable, of mixed sign and magnitude. */
function gradients(seed: number): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: STEPS }, () => SIZES.map((n) => Array.from({ length: n }, () => Math.fround((rng.next() * 2 - 1) * (rng.next() < 0.3 ? 0.01 : 1)))));
}

function initialParams(seed: number): number[][] {
  const rng = new Rng(seed);
  return SIZES.map((n) => Array.from({ length: n }, () => Math.fround(rng.next() * 2 - 1)));
}

/** Runs `applyUpdate` for STEPS steps on float32 arrays, with its slots zeroed as the engines do. */
function runCode(spec: OptimizerSpec, seed: number): { params: Float32Array[]; slots: Map<string, Float32Array[]> } {
  const params = initialParams(seed).map((p) => Float32Array.from(p));
  const slots = new Map(slotNames(spec).map((name) => [name, SIZES.map((n) => new Float32Array(n))]));
  gradients(seed + 1).forEach((g, t) => applyUpdate(spec, params, g, slots, t + 1));
  return { params, slots };
}

function kerasSgd(lr: number, momentum: number, nesterov: boolean, seed: number): { params: number[][]; velocity: number[][] } {
  const params = initialParams(seed);
  const velocity = SIZES.map((n) => new Array<number>(n).fill(0));
  for (const g of gradients(seed + 1)) {
    params.forEach((w, k) => w.forEach((_, i) => {
      velocity[k][i] = momentum * velocity[k][i] - lr * g[k][i];
      w[i] += nesterov ? momentum * velocity[k][i] - lr * g[k][i] : velocity[k][i];
    }));
  }
  return { params, velocity };
}

function kerasAdam(lr: number, b1: number, b2: number, epsilon: number, seed: number): { params: number[][]; m: number[][]; v: number[][] } {
  const params = initialParams(seed);
  const m = SIZES.map((n) => new Array<number>(n).fill(0));
  const v = SIZES.map((n) => new Array<number>(n).fill(0));
  gradients(seed + 1).forEach((g, step) => {
    const t = step + 1;
    const lrT = lr * Math.sqrt(1 - b2 ** t) / (1 - b1 ** t);
    params.forEach((w, k) => w.forEach((_, i) => {
      m[k][i] = b1 * m[k][i] + (1 - b1) * g[k][i];
      v[k][i] = b2 * v[k][i] + (1 - b2) * g[k][i] ** 2;
      w[i] -= lrT * m[k][i] / (Math.sqrt(v[k][i]) + epsilon);
    }));
  });
  return { params, m, v };
}

/** Float32 state after a few float32 steps against float64: a few ulps per step. */
function assertClose(got: readonly Float32Array[], want: readonly number[][], what: string): void {
  assert.equal(got.length, want.length, `${what}: params`);
  got.forEach((g, k) => {
    assert.equal(g.length, want[k].length, `${what}[${k}]: length`);
    g.forEach((x, i) => {
      const w = want[k][i];
      assert.ok(Math.abs(x - w) <= 1e-6 + 1e-5 * Math.abs(w), `${what}[${k}][${i}] = ${x}, Keras ${w}`);
    });
  });
}

describe('runtime/params/optimizer: applyUpdate against Keras 2', () => {
  it('names the slots Keras keeps: m and v for Adam, a velocity for SGD with momentum only', () => {
    assert.deepEqual(slotNames({ kind: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }), ['m', 'v']);
    assert.deepEqual(slotNames({ kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: false }), ['momentum']);
    assert.deepEqual(slotNames({ kind: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false }), []);
  });

  it('plain SGD (momentum 0): w -= lr * g', () => {
    for (const seed of [1, 2]) {
      const { params } = runCode({ kind: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false }, seed);
      assertClose(params, kerasSgd(0.1, 0, false, seed).params, 'w');
    }
  });

  for (const nesterov of [false, true]) {
    it(`SGD with momentum${nesterov ? ' and Nesterov' : ''}: params and velocity over ${STEPS} steps`, () => {
      for (const [lr, momentum, seed] of [[0.1, 0.9, 3], [0.05, 0.5, 4], [0.3, 0.99, 5]]) {
        const spec: OptimizerSpec = { kind: 'sgd', learningRate: lr, momentum, nesterov };
        const got = runCode(spec, seed);
        const want = kerasSgd(lr, momentum, nesterov, seed);
        assertClose(got.params, want.params, `w (lr ${lr}, momentum ${momentum})`);
        assertClose(got.slots.get('momentum') as Float32Array[], want.velocity, 'velocity');
      }
    });
  }

  it('Nesterov and plain momentum differ (the look-ahead is applied)', () => {
    const plain = runCode({ kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: false }, 6).params;
    const nesterov = runCode({ kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true }, 6).params;
    assert.ok(plain.some((p, k) => p.some((x, i) => Math.abs(x - nesterov[k][i]) > 1e-3)));
  });

  it(`Adam with Keras 2's bias-corrected learning rate and epsilon outside the sqrt, over ${STEPS} steps`, () => {
    // A large epsilon makes its placement matter: epsilon added to sqrt(v) (Keras 2) versus
    // to sqrt(v / (1 - b2^t)) (the paper's epsilon-hat form) differ here by a factor ~30 at t = 1.
    for (const [lr, b1, b2, epsilon, seed] of [[0.001, 0.9, 0.999, 1e-7, 7], [0.01, 0.8, 0.99, 0.1, 8], [0.1, 0.5, 0.9, 1e-3, 9]]) {
      const spec: OptimizerSpec = { kind: 'adam', learningRate: lr, beta1: b1, beta2: b2, epsilon };
      const got = runCode(spec, seed);
      const want = kerasAdam(lr, b1, b2, epsilon, seed);
      assertClose(got.params, want.params, `w (lr ${lr}, epsilon ${epsilon})`);
      assertClose(got.slots.get('m') as Float32Array[], want.m, 'm');
      assertClose(got.slots.get('v') as Float32Array[], want.v, 'v');
    }
  });
});
