import fc from 'fast-check';
import type { Tensor } from '../../../../compiler/ir/tensor';
import { tensor } from '../../../../compiler/ir/tensor';
import { useGpu } from '../../../support/webgl';
import { expectGpuMatchesReference, mismatch, nodeOf, reference, runOnGpu } from './check-kernel';
import { f32Values, tensorOf } from './arbitraries';

interface PoolCase {
  readonly x: Tensor;
  readonly dy: Tensor;
  readonly attrs: { readonly poolSize: [number, number]; readonly strides: [number, number]; readonly padding: 'valid' | 'same' };
}

/**
 * Small NHWC inputs, windows 1-3 with strides 1-3 (overlapping and not), both paddings.
 * Values come from a few levels so windows often tie: the first maximum must win on both sides.
 */
const poolCase: fc.Arbitrary<PoolCase> = fc.record({
  n: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 6 }), w: fc.integer({ min: 1, max: 6 }), c: fc.integer({ min: 1, max: 3 }),
  ph: fc.integer({ min: 1, max: 3 }), pw: fc.integer({ min: 1, max: 3 }),
  sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
  padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
  ties: fc.boolean(),
}).filter((g) => g.padding === 'same' || (g.ph <= g.h && g.pw <= g.w)).chain((g) => {
  const attrs = { poolSize: [g.ph, g.pw] as [number, number], strides: [g.sh, g.sw] as [number, number], padding: g.padding };
  const values = g.ties ? fc.integer({ min: -2, max: 2 }) : f32Values();
  return tensorOf([g.n, g.h, g.w, g.c], values).chain((x) => {
    const yShape = nodeOf({ op: 'maxPool2d', attrs, inputs: [x] }).node.type.shape as number[];
    return tensorOf(yShape).map((dy) => ({ x, dy, attrs }));
  });
});

describe('gpu.js pooling kernels', () => {
  const gpu = useGpu();

  it('maxPool2d equals its reference (padded cells never win)', () => {
    fc.assert(fc.property(poolCase, ({ x, attrs }) => expectGpuMatchesReference(gpu(), { op: 'maxPool2d', attrs, inputs: [x] })), { numRuns: 8 });
  });

  it('maxPool2dGrad equals its reference, ties included', () => {
    fc.assert(fc.property(poolCase, ({ x, dy, attrs }) => {
      expectGpuMatchesReference(gpu(), { op: 'maxPool2dGrad', attrs, inputs: [x, dy] });
    }), { numRuns: 8 });
  });

  it('maxPool2dGrad routes a tied window to its first maximum, exactly', () => {
    // One 2x2 window of equal values, and one whose maximum 3 appears twice: (0,3) comes first.
    const x = tensor([1, 2, 4, 1], [5, 5, 1, 3, 5, 5, 3, 0]);
    const dy = tensor([1, 1, 2, 1], [7, 11]);
    const c = { op: 'maxPool2dGrad', attrs: { poolSize: [2, 2] }, inputs: [x, dy] };
    const gpuResult = runOnGpu(gpu(), c);
    const expected = [7, 0, 0, 11, 0, 0, 0, 0];
    const bad = mismatch(gpuResult, tensor(x.shape, expected), { atol: 0, rtol: 0 }) ?? mismatch(reference(c), tensor(x.shape, expected), { atol: 0, rtol: 0 });
    if (bad) throw new Error(bad);
  });

  it('avgPool2d equals its reference (same padding averages in-bounds cells only)', () => {
    fc.assert(fc.property(poolCase, ({ x, attrs }) => expectGpuMatchesReference(gpu(), { op: 'avgPool2d', attrs, inputs: [x] })), { numRuns: 8 });
  });

  it('avgPool2dGrad equals its reference', () => {
    fc.assert(fc.property(poolCase, ({ x, dy, attrs }) => {
      expectGpuMatchesReference(gpu(), { op: 'avgPool2dGrad', attrs: { ...attrs, inputShape: x.shape }, inputs: [dy] });
    }), { numRuns: 8 });
  });
});
