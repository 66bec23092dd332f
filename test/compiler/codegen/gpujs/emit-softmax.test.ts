import fc from 'fast-check';
import { useGpu } from '../../../support/webgl';
import { expectGpuMatchesReference } from './check-kernel';
import { f32Values, shapeOf, tensorOf } from './arbitraries';

/** A tensor and one of its axes, in either sign. */
const laneCase = shapeOf(1, 4).chain((shape) => fc.tuple(
  tensorOf(shape, f32Values(-8, 8)),
  fc.integer({ min: 0, max: shape.length - 1 }).chain((a) => fc.constantFrom(a, a - shape.length)),
));

describe('gpu.js softmax kernels', () => {
  const gpu = useGpu();

  for (const op of ['softmax', 'logSoftmax']) {
    it(`${op} equals its reference along any axis`, () => {
      fc.assert(fc.property(laneCase, ([x, axis]) => expectGpuMatchesReference(gpu(), { op, attrs: { axis }, inputs: [x] })), { numRuns: 6 });
    });
  }

  it('softmax stays finite for large logits (shifted by the lane max)', () => {
    fc.assert(fc.property(tensorOf([3, 5], f32Values(-200, 200)), (x) => {
      expectGpuMatchesReference(gpu(), { op: 'softmax', attrs: { axis: -1 }, inputs: [x] });
    }), { numRuns: 2 });
  });
});
