import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { assertShapeError, evaluateCase, f32, inferShape } from './support/properties';

describe('ops/maxPool2dGrad', () => {
  it("routes each dy to its window's first maximum, in x's shape", () => {
    const x = tensor([1, 2, 4, 1], [1, 8, 8, 2, 3, 4, 5, 9]);
    const dy = tensor([1, 1, 2, 1], [10, 20]);
    const dx = evaluateCase('maxPool2dGrad', { inputs: [x, dy], attrs: { poolSize: 2 } });
    assert.deepEqual([...dx.data], [0, 10, 0, 0, 0, 0, 0, 20]);
  });

  it('has the shape of x and checks dy against the pooled shape', () => {
    assert.deepEqual(inferShape('maxPool2dGrad', [f32(['N', 26, 26, 32]), f32(['N', 13, 13, 32])], { poolSize: 2 }), ['N', 26, 26, 32]);
    assertShapeError('maxPool2dGrad', [f32(['N', 26, 26, 32]), f32(['N', 12, 12, 32])], { poolSize: 2 },
      /^maxPool2dGrad: dy \[N,12,12,32\] is not maxPool2d's output \[N,13,13,32\]$/);
  });
});
