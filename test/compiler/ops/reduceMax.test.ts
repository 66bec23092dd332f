import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { reduceCases, reducedShapeOf } from './support/reduce';
import { assertShapeError, evaluateCase, f32, inferShape, itChecksGradients, itInfersTheEvaluatedShape, ruleGradients } from './support/properties';

describe('ops/reduceMax', () => {
  // Distinct values: the maximum is differentiable there.
  itChecksGradients('reduceMax', reduceCases(false, true));
  itChecksGradients('reduceMax', reduceCases(true, true));
  itInfersTheEvaluatedShape('reduceMax', reduceCases(true), reducedShapeOf);

  it('takes the maximum over the given axes (negative from the end), all axes when absent', () => {
    const x = tensor([2, 3], [1, 6, 3, -4, -5, -2]);
    assert.deepEqual([...evaluateCase('reduceMax', { inputs: [x], attrs: { axes: [-1] } }).data], [6, -2]);
    assert.deepEqual([...evaluateCase('reduceMax', { inputs: [x], attrs: { axes: [0], keepDims: true } }).data], [1, 6, 3]);
    assert.deepEqual([...evaluateCase('reduceMax', { inputs: [x] }).data], [6]);
  });

  it('agrees with a brute-force maximum over the middle axes of an image (global max pooling)', () => {
    fc.assert(fc.property(reduceCases(true).filter((c) => c.inputs[0].shape.length === 3), (c) => {
      const x = c.inputs[0];
      const [n, h, w] = x.shape;
      const y = evaluateCase('reduceMax', { ...c, attrs: { axes: [1] } });
      for (let i = 0; i < n; i++) for (let k = 0; k < w; k++) {
        let best = -Infinity;
        for (let j = 0; j < h; j++) best = Math.max(best, x.data[(i * h + j) * w + k]);
        assert.equal(y.data[i * w + k], best);
      }
    }), { numRuns: 30 });
  });

  it('splits the gradient equally among tied maxima (TensorFlow), per output cell', () => {
    const x = tensor([2, 3], [3, 3, 1, 7, 7, 7]);
    const [dx] = ruleGradients('reduceMax', { inputs: [x], attrs: { axes: [1] } }, tensor([2], [6, 3]));
    assert.deepEqual([...dx.data], [3, 3, 0, 1, 1, 1]);
    const [kept] = ruleGradients('reduceMax', { inputs: [x], attrs: { axes: [1], keepDims: true }, batched: [true] }, tensor([2, 1], [6, 3]));
    assert.deepEqual([...kept.data], [3, 3, 0, 1, 1, 1]);
  });

  it('propagates NaN', () => {
    assert.ok(Number.isNaN(evaluateCase('reduceMax', { inputs: [tensor([3], [1, NaN, 2])] }).data[0]));
  });

  it('drops or keeps the reduced axes symbolically, and rejects bad axes', () => {
    assert.deepEqual(inferShape('reduceMax', [f32(['N', 5, 5, 3])], { axes: [1, 2] }), ['N', 3]);
    assert.deepEqual(inferShape('reduceMax', [f32(['N', 5, 5, 3])], { axes: [1, 2], keepDims: true }), ['N', 1, 1, 3]);
    assertShapeError('reduceMax', [f32([2, 3])], { axes: [2] }, /^reduceMax: axis 2 is out of range for rank 2$/);
  });
});
