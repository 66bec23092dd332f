import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { convTensorsArb, dot, near } from './support/window';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';

const cases = convTensorsArb().map(({ c, x, dy }): OpCase => ({
  inputs: [x, dy], attrs: { filterShape: c.w, strides: c.strides, padding: c.padding }, batched: [true, true],
}));

describe('ops/conv2dBackpropFilter', () => {
  itChecksGradients('conv2dBackpropFilter', cases, 15);
  itInfersTheEvaluatedShape('conv2dBackpropFilter', cases, (c) => c.attrs?.filterShape as number[]);

  it('is the adjoint of conv2d in w: <conv2d(x, w), dy> = <w, backpropFilter(x, dy)>', () => {
    fc.assert(fc.property(convTensorsArb(), ({ c, x, w, dy }) => {
      const attrs = { strides: c.strides, padding: c.padding };
      const y = evaluateCase('conv2d', { inputs: [x, w], attrs });
      const dw = evaluateCase('conv2dBackpropFilter', { inputs: [x, dy], attrs: { ...attrs, filterShape: c.w } });
      assert.ok(near(dot(y, dy), dot(w, dw)), `${dot(y, dy)} vs ${dot(w, dw)}`);
    }), { numRuns: 40 });
  });

  it('rejects a dy that is not the conv output of x with the filter', () => {
    assertShapeError('conv2dBackpropFilter', [f32(['N', 5, 5, 2]), f32(['N', 4, 4, 3])], { filterShape: [3, 3, 2, 3] },
      /^conv2dBackpropFilter: dy \[N,4,4,3\] is not conv2d's output \[N,3,3,3\] for input \[N,5,5,2\]$/);
  });
});
