// Initial values against Keras' initializer definitions, written out here. Fans (Keras'
// _compute_fans): a dense kernel [fanIn, fanOut]; a conv kernel [kh, kw, cin, cout] has
// fanIn = kh*kw*cin and fanOut = kh*kw*cout; a vector [n] has n and n.
//   glorotUniform: U(-l, l), l = sqrt(6 / (fanIn + fanOut))    variance l^2/3 = 2 / (fanIn + fanOut)
//   heUniform:     U(-l, l), l = sqrt(6 / fanIn)               variance 2 / fanIn
//   glorotNormal:  truncated normal (|z| <= 2 stddev), stddev = sqrt(2 / (fanIn + fanOut)) / c
//   heNormal:      truncated normal (|z| <= 2 stddev), stddev = sqrt(2 / fanIn) / c
// where c is the standard deviation of a standard normal truncated to [-2, 2], so the
// truncated draws have exactly the target variance. c is computed here from the normal
// density, not copied. Sample statistics are held to five standard errors of their estimate.

import { strict as assert } from 'node:assert';
import type { InitializerSpec } from '../../../format/spec';
import type { ParamInfo } from '../../../format/manifest';
import { initializeParams } from '../../../runtime/params/init';

/** Keras' fans, written out. */
function kerasFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  const [kh, kw, cin, cout] = shape;
  return { fanIn: kh * kw * cin, fanOut: kh * kw * cout };
}

/** The standard deviation of a standard normal truncated to [-2, 2], by Simpson's rule on its density. */
function truncatedStd(): number {
  const phi = (z: number): number => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
  const steps = 2000;
  const h = 4 / steps;
  let mass = 0, second = 0;
  for (let k = 0; k <= steps; k++) {
    const z = -2 + k * h;
    const w = k === 0 || k === steps ? 1 : k % 2 === 1 ? 4 : 2;
    mass += w * phi(z);
    second += w * z * z * phi(z);
  }
  return Math.sqrt(second / mass);
}

const C = truncatedStd();

interface Law {
  /** Values must lie in [-bound, bound]. */
  readonly bound: number;
  readonly variance: number;
  /** Standard error of the sample variance, per sqrt(sample size), relative to the variance. */
  readonly varianceSpread: number;
}

/** Keras' law of each random initializer on `shape`. */
function kerasLaw(kind: 'glorotUniform' | 'heUniform' | 'glorotNormal' | 'heNormal', shape: readonly number[]): Law {
  const { fanIn, fanOut } = kerasFans(shape);
  const target = kind.startsWith('glorot') ? 2 / (fanIn + fanOut) : 2 / fanIn;
  if (kind.endsWith('Uniform')) {
    const limit = Math.sqrt(kind === 'glorotUniform' ? 6 / (fanIn + fanOut) : 6 / fanIn);
    // Uniform: E[x^4] = l^4/5, var = l^2/3, so var(x^2) = l^4 (1/5 - 1/9): relative spread sqrt(0.8).
    return { bound: limit, variance: limit * limit / 3, varianceSpread: Math.sqrt(0.8) };
  }
  // A truncated normal has less kurtosis than a normal: sqrt(2) bounds its relative spread.
  return { bound: 2 * Math.sqrt(target) / C, variance: target, varianceSpread: Math.sqrt(2) };
}

const param = (name: string, shape: readonly number[], initializer: InitializerSpec): ParamInfo =>
  ({ name, shape, initializer, regularizer: null, constraint: null });

const SHAPES: readonly (readonly number[])[] = [
  [300, 100], // dense: fanIn 300, fanOut 100
  [3, 3, 16, 64], // conv: fanIn 144, fanOut 576 (a kernel that ignores the receptive field gets 16 and 64)
  [5, 1, 40, 8], // conv with a non-square window: fanIn 200, fanOut 40
  [4000], // a vector: fanIn = fanOut = 4000
];

describe('runtime/params/init: initializeParams against Keras', () => {
  it('the truncated normal\'s correction is the standard deviation of N(0, 1) on [-2, 2]', () => {
    assert.ok(Math.abs(C - 0.8796256610342398) < 1e-9, `c = ${C}`);
  });

  for (const kind of ['glorotUniform', 'heUniform', 'glorotNormal', 'heNormal'] as const) {
    it(`${kind}: within Keras' bound, mean 0 and Keras' variance on dense, conv and vector shapes`, () => {
      for (const shape of SHAPES) {
        const [t] = initializeParams([param('w', shape, { kind })], 11);
        const law = kerasLaw(kind, shape);
        const n = t.data.length;
        assert.deepEqual(t.shape, shape);
        assert.equal(n, shape.reduce((a, b) => a * b, 1));
        let sum = 0, sq = 0, max = 0;
        for (const x of t.data) { sum += x; sq += x * x; max = Math.max(max, Math.abs(x)); }
        const mean = sum / n;
        const variance = sq / n - mean * mean;
        const where = `${kind} [${shape}]`;
        assert.ok(max <= Math.fround(law.bound) * (1 + 1e-7), `${where}: |x| up to ${max}, bound ${law.bound}`);
        assert.ok(max >= 0.8 * law.bound, `${where}: |x| only up to ${max} of the bound ${law.bound}`);
        assert.ok(Math.abs(mean) <= 5 * Math.sqrt(law.variance / n), `${where}: mean ${mean}`);
        const tolerance = 5 * law.varianceSpread / Math.sqrt(n);
        assert.ok(Math.abs(variance / law.variance - 1) <= tolerance, `${where}: variance ${variance}, Keras ${law.variance} (±${(100 * tolerance).toFixed(1)}%)`);
      }
    });
  }

  it('zeros, ones and constant fill every element with their value', () => {
    for (const shape of [[3, 4], [2, 2, 3, 5], [7], []]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const [z, o, c] = initializeParams([
        param('z', shape, { kind: 'zeros' }), param('o', shape, { kind: 'ones' }), param('c', shape, { kind: 'constant', value: 0.37 }),
      ], 5);
      assert.deepEqual(Array.from(z.data), new Array(size).fill(0));
      assert.deepEqual(Array.from(o.data), new Array(size).fill(1));
      assert.deepEqual(Array.from(c.data), new Array(size).fill(Math.fround(0.37)));
      assert.deepEqual([z.name, o.name, c.name], ['z', 'o', 'c']);
    }
  });

  it('draws the same values for the same seed, other values for another seed or another param', () => {
    const params = [param('a', [20, 10], { kind: 'glorotUniform' }), param('b', [20, 10], { kind: 'glorotUniform' })];
    const [a1, b1] = initializeParams(params, 3);
    const [a2] = initializeParams(params, 3);
    const [a3] = initializeParams(params, 4);
    assert.deepEqual(a1.data, a2.data);
    assert.notDeepEqual(a1.data, a3.data);
    assert.notDeepEqual(a1.data, b1.data);
  });
});
