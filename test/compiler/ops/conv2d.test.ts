import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { convTensorsArb, convOutputShape } from './support/window';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, inferShape, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';

const cases = convTensorsArb().map(({ c, x, w }): OpCase & { shape: number[] } => ({
  inputs: [x, w], attrs: { strides: c.strides, padding: c.padding }, batched: [true, false], shape: convOutputShape(c),
}));

const ones = (shape: number[]) => tensor(shape, new Array(shape.reduce((a, b) => a * b, 1)).fill(1));

describe('ops/conv2d', () => {
  itChecksGradients('conv2d', cases, 15);
  itInfersTheEvaluatedShape('conv2d', cases, (c) => c.shape);

  it('cross-correlates NHWC with HWIO (no kernel flip), per output channel', () => {
    const x = tensor([1, 2, 2, 1], [1, 2, 3, 4]);
    const w = tensor([2, 2, 1, 2], [1, 0, 2, 0, 3, 0, 4, 1]);
    assert.deepEqual([...evaluateCase('conv2d', { inputs: [x, w] }).data], [1 + 4 + 9 + 16, 4]);
  });

  it("pads 'same' as TensorFlow: the odd pixel of padding goes after (bottom/right)", () => {
    const y = evaluateCase('conv2d', { inputs: [ones([1, 6, 6, 1]), ones([3, 3, 1, 1])], attrs: { strides: [2, 2], padding: 'same' } });
    assert.deepEqual(y.shape, [1, 3, 3, 1]);
    assert.deepEqual([...y.data], [9, 9, 6, 9, 9, 6, 6, 6, 4]);
    const odd = evaluateCase('conv2d', { inputs: [ones([1, 5, 5, 1]), ones([3, 3, 1, 1])], attrs: { strides: [2, 2], padding: 'same' } });
    assert.deepEqual([...odd.data], [4, 6, 4, 6, 9, 6, 4, 6, 4]);
  });

  it('gives the seed model its shapes', () => {
    assert.deepEqual(inferShape('conv2d', [f32(['N', 28, 28, 1]), f32([3, 3, 1, 32])], { strides: [1, 1], padding: 'valid' }), ['N', 26, 26, 32]);
    assert.deepEqual(inferShape('conv2d', [f32(['N', 13, 13, 32]), f32([3, 3, 32, 64])]), ['N', 11, 11, 64]);
    assert.deepEqual(inferShape('conv2d', [f32(['N', 28, 28, 1]), f32([5, 5, 1, 8])], { strides: 2, padding: 'same' }), ['N', 14, 14, 8]);
  });

  it('rejects kernels that do not fit, channel mismatches and bad attributes', () => {
    assertShapeError('conv2d', [f32(['N', 2, 2, 1]), f32([3, 3, 1, 4])], {}, /^conv2d: kernel 3x3 does not fit input 2x2$/);
    assertShapeError('conv2d', [f32(['N', 8, 8, 3]), f32([3, 3, 1, 4])], {}, /^conv2d: input has 3 channels but the filter \[3,3,1,4\] expects 1$/);
    assertShapeError('conv2d', [f32(['N', 8, 8]), f32([3, 3, 1, 4])], {}, /^conv2d: input \(NHWC\) must have rank 4, got \[N,8,8\]$/);
    assertShapeError('conv2d', [f32(['N', 8, 8, 1]), f32([3, 3, 1, 4])], { padding: 'full' }, /^conv2d: attr padding must be 'valid' or 'same', got "full"$/);
    assertShapeError('conv2d', [f32(['N', 8, 8, 1]), f32([3, 3, 1, 4])], { strides: [0, 1] }, /^conv2d: attr strides must be a pair of positive integers, got \[0,1\]$/);
  });
});
