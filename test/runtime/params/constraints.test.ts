// Weight constraints against Keras' definitions, written out here in float64:
//   NonNeg:      w * (w >= 0)
//   MaxNorm:     norms = sqrt(sum(w^2, axis, keepdims)); w * clip(norms, 0, max) / (epsilon + norms)
//   MinMaxNorm:  desired = rate * clip(norms, min, max) + (1 - rate) * norms; w * desired / (epsilon + norms)
// with epsilon = 1e-7 (K.epsilon()). The norm is over the given axes: for a conv kernel
// [kh, kw, cin, cout] and axis [0, 1, 2], one norm per output filter.

import { strict as assert } from 'node:assert';
import type { ConstraintSpec } from '../../../format/spec';
import { Rng } from '../../../format/rng';
import { applyConstraint } from '../../../runtime/params/constraints';

const EPSILON = 1e-7;

/** Row-major multi-index of flat position `flat` in `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat = Math.floor(flat / shape[d]); }
  return idx;
}

/** Keras' norms over `axis`: the norm for each element is that of all elements sharing its other coordinates. */
function kerasNorms(w: readonly number[], shape: readonly number[], axis: readonly number[]): number[] {
  const reduced = axis.map((a) => (a < 0 ? a + shape.length : a));
  const key = (flat: number): string => unravel(flat, shape).map((c, d) => (reduced.includes(d) ? '*' : String(c))).join(',');
  const sums = new Map<string, number>();
  w.forEach((x, i) => sums.set(key(i), (sums.get(key(i)) ?? 0) + x * x));
  return w.map((_, i) => Math.sqrt(sums.get(key(i)) as number));
}

const clip = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

function kerasConstraint(c: ConstraintSpec, w: readonly number[], shape: readonly number[]): number[] {
  switch (c.kind) {
    case 'nonNeg':
      return w.map((x) => (x >= 0 ? x : 0));
    case 'maxNorm': {
      const norms = kerasNorms(w, shape, c.axis);
      return w.map((x, i) => x * clip(norms[i], 0, c.maxValue) / (EPSILON + norms[i]));
    }
    case 'minMaxNorm': {
      const norms = kerasNorms(w, shape, c.axis);
      return w.map((x, i) => x * (c.rate * clip(norms[i], c.minValue, c.maxValue) + (1 - c.rate) * norms[i]) / (EPSILON + norms[i]));
    }
  }
}

/**
 * A float32 tensor whose slices (along the non-reduced axes) have norms spread over [0, ~3]:
 * some below every bound used here, some between, some above, and one all-zero slice.
 */
function weights(shape: readonly number[], seed: number): Float32Array {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const w = new Float32Array(n);
  const last = shape[shape.length - 1];
  for (let i = 0; i < n; i++) {
    const col = i % last;
    w[i] = col === 0 ? 0 : (rng.next() * 2 - 1) * (col / last) * (3 / Math.sqrt(n / last));
  }
  return w;
}

function check(c: ConstraintSpec, shape: readonly number[], seed: number): void {
  const data = weights(shape, seed);
  const want = kerasConstraint(c, Array.from(data), shape);
  applyConstraint(c, data, shape);
  want.forEach((x, i) => {
    assert.ok(Math.abs(data[i] - x) <= 1e-7 + 1e-6 * Math.abs(x), `${JSON.stringify(c)} on [${shape}]: [${i}] = ${data[i]}, Keras ${x}`);
  });
}

/** How many slices' norms (over `axis`) fall below, between and above [lo, hi]: the test data must cover all three. */
function coverage(shape: readonly number[], axis: readonly number[], lo: number, hi: number, seed: number): [number, number, number] {
  const norms = kerasNorms(Array.from(weights(shape, seed)), shape, axis);
  const distinct = [...new Set(norms)];
  return [distinct.filter((n) => n < lo).length, distinct.filter((n) => n >= lo && n <= hi).length, distinct.filter((n) => n > hi).length];
}

const DENSE = [7, 6];
const CONV = [3, 3, 2, 8];

describe('runtime/params/constraints: applyConstraint against Keras', () => {
  it('the test tensors have slices with norms below, inside and above the bounds', () => {
    for (const [shape, axis] of [[DENSE, [0]], [CONV, [0, 1, 2]]] as const) {
      const [below, inside, above] = coverage(shape, axis, 0.5, 1, 3);
      assert.ok(below >= 2 && inside >= 1 && above >= 2, `[${shape}] axis [${axis}]: ${below} below, ${inside} inside, ${above} above`);
    }
  });

  it('nonNeg zeroes the negatives and keeps the rest exactly', () => {
    for (const shape of [DENSE, CONV, [5]]) check({ kind: 'nonNeg' }, shape, 1);
    const w = Float32Array.from([-1, 0, 2.5, -1e-30, 3]);
    applyConstraint({ kind: 'nonNeg' }, w, [5]);
    assert.deepEqual(Array.from(w, (x) => x + 0), [0, 0, 2.5, 0, 3]);
  });

  it('maxNorm on a dense kernel, axis [0]: one norm per unit (column)', () => {
    for (const maxValue of [0.5, 1, 2]) check({ kind: 'maxNorm', maxValue, axis: [0] }, DENSE, 3);
  });

  it('maxNorm on a conv kernel [kh, kw, cin, cout], axis [0, 1, 2]: one norm per output filter', () => {
    for (const maxValue of [0.5, 1, 2]) check({ kind: 'maxNorm', maxValue, axis: [0, 1, 2] }, CONV, 3);
  });

  it('maxNorm over other axes: [1] (rows of a dense kernel), [-1], and [0, 1]', () => {
    check({ kind: 'maxNorm', maxValue: 0.7, axis: [1] }, DENSE, 4);
    check({ kind: 'maxNorm', maxValue: 0.7, axis: [-1] }, CONV, 4);
    check({ kind: 'maxNorm', maxValue: 0.7, axis: [0, 1] }, CONV, 4);
  });

  it('maxNorm leaves a slice under the bound unchanged (but for epsilon) and scales one above it to the bound', () => {
    const w = Float32Array.from([0.3, 0.4, 3, 4]); // rows of [2, 2]: (0.3, 0.4) and (3, 4)
    applyConstraint({ kind: 'maxNorm', maxValue: 1, axis: [1] }, w, [2, 2]); // axis [1]: the row norms, 0.5 and 5
    const expected = [0.3 * 0.5 / (0.5 + EPSILON), 0.4 * 0.5 / (0.5 + EPSILON), 3 / (5 + EPSILON), 4 / (5 + EPSILON)];
    expected.forEach((x, i) => assert.ok(Math.abs(w[i] - x) < 1e-7, `[${i}] = ${w[i]}, expected ${x}`));
  });

  it('minMaxNorm with rate 1 (hard bounds), 0.5 (half way) and 0 (only epsilon), dense and conv kernels', () => {
    for (const rate of [1, 0.5, 0]) {
      check({ kind: 'minMaxNorm', minValue: 0.5, maxValue: 1, rate, axis: [0] }, DENSE, 5);
      check({ kind: 'minMaxNorm', minValue: 0.5, maxValue: 1, rate, axis: [0, 1, 2] }, CONV, 5);
      check({ kind: 'minMaxNorm', minValue: 0.2, maxValue: 2, rate, axis: [-1] }, CONV, 6);
    }
  });

  it('keeps an all-zero slice at zero (epsilon guards the division)', () => {
    const w = new Float32Array(6);
    applyConstraint({ kind: 'minMaxNorm', minValue: 1, maxValue: 2, rate: 1, axis: [0] }, w, [3, 2]);
    assert.deepEqual(Array.from(w), [0, 0, 0, 0, 0, 0]);
  });
});
