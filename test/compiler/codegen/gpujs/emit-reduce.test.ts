import fc from 'fast-check';
import type { Attrs } from '../../../../compiler/ir/types';
import { useGpu } from '../../../support/webgl';
import { expectGpuMatchesReference } from './check-kernel';
import { shapeOf, tensorOf } from './arbitraries';

/** A shape, some of its axes (possibly none: then every axis) in either sign, and keepDims. */
const reduction = shapeOf(1, 4).chain((shape) => fc.tuple(
  tensorOf(shape),
  fc.option(fc.subarray(shape.map((_, i) => i), { minLength: 1 }).chain((axes) =>
    fc.tuple(...axes.map((a) => fc.constantFrom(a, a - shape.length)))), { nil: undefined }),
  fc.boolean(),
));

/** x's shape and a target it broadcasts from: trailing axes kept or set to 1, leading ones dropped. */
const sumToCase = shapeOf(1, 4).chain((shape) => fc.tuple(
  tensorOf(shape),
  fc.integer({ min: 0, max: shape.length }),
  fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
).map(([x, drop, ones]) => ({ x, target: shape.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)) })));

describe('gpu.js reduction kernels', () => {
  const gpu = useGpu();

  for (const op of ['reduceSum', 'reduceMean', 'reduceMax']) {
    it(`${op} equals its reference over any axes, with and without keepDims`, () => {
      fc.assert(fc.property(reduction, ([x, axes, keepDims]) => {
        const attrs: Attrs = axes === undefined ? { keepDims } : { axes, keepDims };
        expectGpuMatchesReference(gpu(), { op, attrs, inputs: [x] });
      }), { numRuns: 6 });
    });
  }

  it('sumTo equals its reference for every broadcast-compatible target', () => {
    fc.assert(fc.property(sumToCase, ({ x, target }) => {
      expectGpuMatchesReference(gpu(), { op: 'sumTo', attrs: { shape: target }, inputs: [x] });
    }), { numRuns: 8 });
  });

  it('sums a long axis within float32 tolerance (4096 terms)', () => {
    // Sequential float32 summation: error grows like n * eps * |terms|, so this needs a looser bound.
    fc.assert(fc.property(tensorOf([2, 4096]), (x) => {
      expectGpuMatchesReference(gpu(), { op: 'reduceSum', attrs: { axes: [1] }, inputs: [x] }, { atol: 2e-3, rtol: 1e-3 });
    }), { numRuns: 1 });
  });
});
