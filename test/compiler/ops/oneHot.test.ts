import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { assertShapeError, evaluateCase, f32, inferShape } from './support/properties';

describe('ops/oneHot', () => {
  it('puts a 1 at each label on a new last axis, zeros for labels out of range', () => {
    const y = evaluateCase('oneHot', { inputs: [tensor([3], [2, 0, 5])], attrs: { depth: 3 }, dtypes: ['i32'], batched: [true] });
    assert.deepEqual(y.shape, [3, 3]);
    assert.deepEqual([...y.data], [0, 0, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('needs i32 labels and a positive integer depth', () => {
    assert.deepEqual(inferShape('oneHot', [{ shape: ['N'], dtype: 'i32' }], { depth: 10 }), ['N', 10]);
    assertShapeError('oneHot', [f32(['N'])], { depth: 10 }, /^oneHot: labels has dtype f32, expected i32$/);
    assertShapeError('oneHot', [{ shape: ['N'], dtype: 'i32' }], { depth: 0 }, /^oneHot: depth 0 must be a positive integer$/);
  });
});
