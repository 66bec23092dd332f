// The tolerances compareWithReference judges by: the gradient read back from a step's
// optimizer state (checked against states written out with Keras' formulas by hand), and
// how far an uncertain gradient may move a weight (Adam's first step moves a weight by
// lr * g / (|g| + epsilon'), so a gradient of uncertain sign may move it by lr either way,
// a clear one by almost nothing).

import { strict as assert } from 'node:assert';
import { adam, maxNorm, minMaxNorm, sgd } from '../../compiler/dsl/index';
import type { TrainingState } from '../../runtime/engine';
import { gradientFromStep, gradientTolerance, stepTolerance, TOLERANCE } from '../../testing/backend-tolerance';

const state = (step: number, w: number[], slots: Record<string, number[]> = {}): TrainingState => ({
  params: [{ name: 'w', shape: [w.length], data: Float32Array.from(w) }],
  slots: Object.entries(slots).map(([name, v]) => ({ name, shape: [v.length], data: Float32Array.from(v) })),
  step,
});

/** Within the read-back's own rounding slack (float32 slots), which must itself be small. */
function assertRead(read: { g: Float64Array; slack: Float64Array } | null, want: readonly number[]): void {
  assert.ok(read);
  want.forEach((v, i) => {
    assert.ok(read.slack[i] < 1e-4, `slack [${i}]: ${read.slack[i]}`);
    assert.ok(Math.abs(read.g[i] - v) <= read.slack[i] + 1e-12, `[${i}]: ${read.g[i]}, want ${v} (slack ${read.slack[i]})`);
  });
}

describe('testing/backend-tolerance', () => {
  const g = [0.3, -0.02, 1e-4];

  it('reads the gradient back from Adam\'s m, SGD\'s velocity, and plain SGD\'s weights', () => {
    const m0 = [0.1, 0.2, -0.3];
    const b1 = 0.8;
    const m1 = m0.map((m, i) => b1 * m + (1 - b1) * g[i]);
    const a = gradientFromStep(adam({ beta1: b1 }), 'w', state(1, [0, 0, 0], { 'adam.m:w': m0 }), state(2, [0, 0, 0], { 'adam.m:w': m1 }), false);
    assertRead(a, g);
    const v0 = [0.05, -0.1, 0.02];
    const v1 = v0.map((v, i) => 0.9 * v - 0.1 * g[i]);
    const s = gradientFromStep(sgd({ learningRate: 0.1, momentum: 0.9 }), 'w', state(1, [0, 0, 0], { 'sgd.momentum:w': v0 }), state(2, [0, 0, 0], { 'sgd.momentum:w': v1 }), true);
    assertRead(s, g);
    const w0 = [0.5, -0.25, 0.125];
    const plain = gradientFromStep(sgd({ learningRate: 0.1 }), 'w', state(0, w0), state(1, w0.map((w, i) => w - 0.1 * g[i])), false);
    assertRead(plain, g);
    // A constraint may have moved the weights after the update: the gradient is not determined.
    assert.equal(gradientFromStep(sgd(), 'w', state(0, w0), state(1, w0), true), null);
  });

  it('lets a gradient of uncertain sign move a weight by up to Adam\'s step, a clear one only by rounding', () => {
    const lr = 0.01;
    const opt = adam({ learningRate: lr });
    const grads = [Float64Array.from([0.5, 1e-9])];
    const tol = gradientTolerance(grads[0]);
    // 1e-9 is well inside its tolerance (1e-4 of the largest gradient): its sign is unknown.
    assert.ok(tol[1] > 1e-5);
    const t = stepTolerance(opt, state(0, [0.25, 0.25]), grads, [tol], [null]).get('w');
    assert.ok(t);
    // First Adam step: w -= lr * g / (|g| + eps / sqrt(1 - beta2)); with g = 0.5 the result hardly
    // depends on g, with g = 1e-9 +- 5e-5 it spans nearly [-lr, lr].
    assert.ok(t[0] < 1e-6, `clear gradient: ${t[0]}`);
    assert.ok(t[1] > 0.9 * lr, `uncertain gradient: ${t[1]}`);
    const v = stepTolerance(opt, state(0, [0.25, 0.25]), grads, [tol], [null]).get('adam.v:w');
    // v = (1 - beta2) g^2: its tolerance is (1 - beta2) * ((g + dg)^2 - g^2) plus rounding.
    assert.ok(v && Math.abs(v[0] - 0.001 * ((0.5 + tol[0]) ** 2 - 0.25)) < 1e-3 * v[0] + TOLERANCE.rounding * 0.001 * 0.25 + 1e-9);
  });

  it('spreads an uncertain element over its norm group when a norm constraint rescales the weight', () => {
    const opt = sgd({ learningRate: 0.1 });
    const grads = [Float64Array.from([1, 1])];
    const tol = [Float64Array.from([0, 0.1])];
    const free = stepTolerance(opt, state(0, [3, 4]), grads, tol, [null]).get('w');
    const bound = stepTolerance(opt, state(0, [3, 4]), grads, tol, [maxNorm({ maxValue: 1 })]).get('w');
    assert.ok(free && bound);
    // Without the constraint only the second weight is uncertain (by lr * 0.1).
    assert.ok(free[0] < 1e-5 && Math.abs(free[1] - 0.01) < 1e-5);
    // max-norm scales the group [2.9, 3.9 +- 0.01] by 1/|w| (Keras: w * min(n, 1) / (1e-7 + n)):
    // the second weight's uncertainty moves the first by as much.
    const first = (w1: number): number => 2.9 / (1e-7 + Math.hypot(2.9, w1));
    const moved = Math.max(Math.abs(first(3.89) - first(3.9)), Math.abs(first(3.91) - first(3.9)));
    assert.ok(bound[0] >= moved && bound[0] < 3 * moved + 1e-5, `${bound[0]} for ${moved}`);
  });

  it('leaves a minMaxNorm group whose norm is within its tolerance of 0 undetermined', () => {
    // A zero gradient up to float32 noise on zero weights: minMaxNorm then scales the noise
    // up to minValue, in a direction the noise decides.
    const opt = sgd({ learningRate: 0.1 });
    const t = stepTolerance(opt, state(0, [0, 0, 0]), [Float64Array.from([1e-9, -2e-9, 0])], [Float64Array.from([1e-5, 1e-5, 1e-5])], [minMaxNorm({ minValue: 0.2, maxValue: 1 })]).get('w');
    assert.ok(t && t.every((x) => x >= 0.2), `${t}`);
  });
});
