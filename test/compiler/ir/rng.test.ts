import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Rng } from '../../../format/rng';

describe('compiler/ir/rng', () => {
  it('fillMask draws exactly the sequence next() draws, and leaves the same state', () => {
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 0, max: 2000 }), fc.double({ min: 0, max: 0.99, noNaN: true }), (seed, n, rate) => {
      const a = new Rng(seed), b = new Rng(seed);
      const keep = 1 / (1 - rate);
      const expected = Float32Array.from({ length: n }, () => (a.next() < rate ? 0 : keep));
      const got = new Float32Array(n);
      b.fillMask(got, rate, keep);
      assert.deepEqual(got, expected);
      assert.deepEqual(b.state(), a.state());
    }), { numRuns: 100 });
  });

  it('restores a saved state to continue the same sequence', () => {
    const a = new Rng(7);
    for (let i = 0; i < 10; i++) a.next();
    const b = Rng.fromState(a.state());
    assert.deepEqual([a.nextU32(), a.nextU32()], [b.nextU32(), b.nextU32()]);
  });

  it('permutation is a permutation', () => {
    const p = [...new Rng(3).permutation(100)].sort((x, y) => x - y);
    assert.deepEqual(p, [...Array(100).keys()]);
  });
});
