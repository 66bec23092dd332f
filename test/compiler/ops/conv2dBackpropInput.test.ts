import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { convTensorsArb, dot, near } from './support/window';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, inferShape, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';

const cases = convTensorsArb().map(({ c, dy, w }): OpCase => ({
  inputs: [dy, w], attrs: { inputShape: ['N', ...c.x.slice(1)], strides: c.strides, padding: c.padding }, batched: [true, false],
}));

describe('ops/conv2dBackpropInput', () => {
  itChecksGradients('conv2dBackpropInput', cases, 15);
  itInfersTheEvaluatedShape('conv2dBackpropInput', convTensorsArb().map(({ c, dy, w }) => ({
    inputs: [dy, w], attrs: { inputShape: c.x, strides: c.strides, padding: c.padding },
  })), (c) => c.attrs?.inputShape as number[]);

  it('is the adjoint of conv2d in x: <conv2d(x, w), dy> = <x, backpropInput(dy, w)>', () => {
    fc.assert(fc.property(convTensorsArb(), ({ c, x, w, dy }) => {
      const attrs = { strides: c.strides, padding: c.padding };
      const y = evaluateCase('conv2d', { inputs: [x, w], attrs });
      const dx = evaluateCase('conv2dBackpropInput', { inputs: [dy, w], attrs: { ...attrs, inputShape: c.x } });
      assert.ok(near(dot(y, dy), dot(x, dx)), `${dot(y, dy)} vs ${dot(x, dx)}`);
    }), { numRuns: 40 });
  });

  it('needs inputShape to be a conv2d input that gives dy', () => {
    // Strided 'same' maps inputs of 5 and 6 to the same 3: inputShape picks one.
    assert.deepEqual(inferShape('conv2dBackpropInput', [f32(['N', 3, 3, 4]), f32([3, 3, 2, 4])], { inputShape: ['N', 6, 6, 2], strides: [2, 2], padding: 'same' }), ['N', 6, 6, 2]);
    assert.deepEqual(inferShape('conv2dBackpropInput', [f32(['N', 3, 3, 4]), f32([3, 3, 2, 4])], { inputShape: ['N', 5, 5, 2], strides: [2, 2], padding: 'same' }), ['N', 5, 5, 2]);
    assertShapeError('conv2dBackpropInput', [f32(['N', 3, 3, 4]), f32([3, 3, 2, 4])], { inputShape: ['N', 7, 7, 2], strides: [2, 2], padding: 'same' },
      /^conv2dBackpropInput: dy \[N,3,3,4\] is not conv2d's output \[N,4,4,4\] for input \[N,7,7,2\]$/);
  });
});
