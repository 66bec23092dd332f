import fc from 'fast-check';
import { useGpu } from '../../../support/webgl';
import { expectGpuMatchesReference } from './check-kernel';
import { f32Values, tensorOf } from './arbitraries';

const dim = fc.integer({ min: 1, max: 7 });

describe('gpu.js matmul kernel', () => {
  const gpu = useGpu();

  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`equals its reference with transposeA=${transposeA}, transposeB=${transposeB}`, () => {
        const arb = fc.tuple(dim, dim, dim).chain(([m, k, n]) => fc.tuple(
          tensorOf(transposeA ? [k, m] : [m, k]),
          tensorOf(transposeB ? [n, k] : [k, n]),
        ));
        fc.assert(fc.property(arb, ([a, b]) => {
          expectGpuMatchesReference(gpu(), { op: 'matmul', attrs: { transposeA, transposeB }, inputs: [a, b] });
        }), { numRuns: 4 });
      });
    }
  }

  it('equals its reference on the seed model dense layer shape (K = 1600)', () => {
    // A 1600-term dot product: float32 error grows with K, hence the looser absolute bound.
    fc.assert(fc.property(fc.tuple(tensorOf([2, 1600], f32Values(-1, 1)), tensorOf([1600, 3])), ([a, b]) => {
      expectGpuMatchesReference(gpu(), { op: 'matmul', inputs: [a, b] }, { atol: 1e-3, rtol: 1e-3 });
    }), { numRuns: 1 });
  });
});
