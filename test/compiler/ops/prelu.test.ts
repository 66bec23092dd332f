import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { shapeArb, tensorArb } from '../../../testing/arbitraries/tensor';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, inferShape, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar, ruleGradients } from './support/properties';

// x, and alpha shaped like a trailing part of x with some axes shared (set to 1).
function cases(margin: number, batched: boolean): fc.Arbitrary<OpCase> {
  return shapeArb({ minRank: 1, maxRank: 4, maxDim: 3 }).chain((x) => {
    const alpha = fc.tuple(fc.integer({ min: 1, max: x.length }), fc.array(fc.boolean(), { minLength: x.length, maxLength: x.length }))
      .map(([drop, shared]) => x.map((d, i) => (shared[i] ? 1 : d)).slice(drop));
    return fc.tuple(tensorArb(x, { awayFromZero: margin }), alpha.chain((a) => tensorArb(a, { min: -1, max: 1 })));
  }).map(([x, alpha]) => ({ inputs: [x, alpha], batched: [batched, false] }));
}

describe('ops/prelu', () => {
  itChecksGradients('prelu', cases(0.01, false));
  itChecksGradients('prelu', cases(0.01, true));
  itMatchesScalar('prelu', cases(0, false));
  itInfersTheEvaluatedShape('prelu', cases(0, true), (c) => c.inputs[0].shape);

  it('at exactly x = 0: dx = alpha*dy and alpha gets nothing (TensorFlow.js convention)', () => {
    const c = { inputs: [tensor([3], [0, 2, -2]), tensor([3], [0.25, 0.5, 0.75])] };
    assert.deepEqual([...evaluateCase('prelu', c).data], [0, 2, -1.5]);
    const [dx, dalpha] = ruleGradients('prelu', c, tensor([3], [4, 4, 4]));
    assert.deepEqual([...dx.data], [1, 4, 3]);
    assert.deepEqual([...dalpha.data], [0, 0, -8]);
  });

  it('sums dalpha over the batch and the shared axes (channel-wise alpha)', () => {
    const x = tensor([2, 1, 2, 2], [-1, 1, -2, 3, -3, -4, 5, -6]);
    const [, dalpha] = ruleGradients('prelu', { inputs: [x, tensor([1, 1, 2], [0.1, 0.2])], batched: [true, false] });
    assert.deepEqual([...dalpha.data], [-1 - 2 - 3, -4 - 6]);
  });

  it('rejects an alpha that does not broadcast to x, and never widens x', () => {
    assertShapeError('prelu', [f32(['N', 4, 3]), f32([4, 2])], {}, /^prelu: alpha \[4,2\] does not broadcast to input \[N,4,3\]$/);
    assertShapeError('prelu', [f32([3]), f32([2, 3])], {}, /^prelu: alpha \[2,3\] does not broadcast to input \[3\]$/);
    assert.deepEqual(inferShape('prelu', [f32(['N', 26, 26, 32]), f32([1, 1, 32])]), ['N', 26, 26, 32]);
  });
});
