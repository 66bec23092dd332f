import fc from 'fast-check';
import type { Tensor } from '../../../../compiler/ir/tensor';
import { useGpu } from '../../../support/webgl';
import { expectGpuMatchesReference, nodeOf } from './check-kernel';
import { tensorOf } from './arbitraries';

interface ConvCase {
  readonly x: Tensor;
  readonly w: Tensor;
  readonly dy: Tensor;
  readonly attrs: { readonly strides: [number, number]; readonly padding: 'valid' | 'same' };
}

/** Small NHWC inputs, HWIO filters, strides 1-2 and both paddings; dy has conv2d's output shape. */
const convCase: fc.Arbitrary<ConvCase> = fc.record({
  n: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 6 }), w: fc.integer({ min: 1, max: 6 }),
  cin: fc.integer({ min: 1, max: 3 }), cout: fc.integer({ min: 1, max: 3 }),
  kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
  sh: fc.integer({ min: 1, max: 2 }), sw: fc.integer({ min: 1, max: 2 }),
  padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
}).filter((g) => g.padding === 'same' || (g.kh <= g.h && g.kw <= g.w)).chain((g) => {
  const attrs = { strides: [g.sh, g.sw] as [number, number], padding: g.padding };
  return fc.tuple(tensorOf([g.n, g.h, g.w, g.cin]), tensorOf([g.kh, g.kw, g.cin, g.cout])).chain(([x, w]) => {
    const yShape = nodeOf({ op: 'conv2d', attrs, inputs: [x, w] }).node.type.shape as number[];
    return tensorOf(yShape).map((dy) => ({ x, w, dy, attrs }));
  });
});

describe('gpu.js convolution kernels', () => {
  const gpu = useGpu();

  it('conv2d equals its reference (strides, valid and same padding)', () => {
    fc.assert(fc.property(convCase, ({ x, w, attrs }) => {
      expectGpuMatchesReference(gpu(), { op: 'conv2d', attrs, inputs: [x, w] });
    }), { numRuns: 8 });
  });

  it('conv2dBackpropInput equals its reference', () => {
    fc.assert(fc.property(convCase, ({ x, w, dy, attrs }) => {
      expectGpuMatchesReference(gpu(), { op: 'conv2dBackpropInput', attrs: { ...attrs, inputShape: x.shape }, inputs: [dy, w] });
    }), { numRuns: 8 });
  });

  it('conv2dBackpropFilter equals its reference', () => {
    fc.assert(fc.property(convCase, ({ x, w, dy, attrs }) => {
      expectGpuMatchesReference(gpu(), { op: 'conv2dBackpropFilter', attrs: { ...attrs, filterShape: w.shape }, inputs: [x, dy] });
    }), { numRuns: 8 });
  });
});
