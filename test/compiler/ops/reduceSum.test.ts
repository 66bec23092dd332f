import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { reduceCases, reducedShapeOf } from './support/reduce';
import { assertShapeError, evaluateCase, f32, inferShape, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';

describe('ops/reduceSum', () => {
  itChecksGradients('reduceSum', reduceCases(false));
  itChecksGradients('reduceSum', reduceCases(true));
  itInfersTheEvaluatedShape('reduceSum', reduceCases(true), reducedShapeOf);

  it('sums over the given axes (negative from the end), all axes when absent', () => {
    const x = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...evaluateCase('reduceSum', { inputs: [x], attrs: { axes: [-1] } }).data], [6, 15]);
    assert.deepEqual([...evaluateCase('reduceSum', { inputs: [x], attrs: { axes: [0], keepDims: true } }).data], [5, 7, 9]);
    assert.deepEqual([...evaluateCase('reduceSum', { inputs: [x] }).data], [21]);
  });

  it('drops or keeps the batch axis symbolically', () => {
    assert.deepEqual(inferShape('reduceSum', [f32(['N', 3])], { axes: [0] }), [3]);
    assert.deepEqual(inferShape('reduceSum', [f32(['N', 3])], { axes: [1], keepDims: true }), ['N', 1]);
  });

  it('rejects bad axes', () => {
    assertShapeError('reduceSum', [f32([2, 3])], { axes: [2] }, /^reduceSum: axis 2 is out of range for rank 2$/);
    assertShapeError('reduceSum', [f32([2, 3])], { axes: [1, -1] }, /^reduceSum: attr axes repeats an axis: \[1,-1\]$/);
  });
});
