import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { shapeArb, tensorArb } from '../../../testing/arbitraries/tensor';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';

const cases: fc.Arbitrary<OpCase> = shapeArb({ minRank: 1, maxRank: 4, maxDim: 3 }).chain((s) =>
  fc.tuple(tensorArb(s), fc.shuffledSubarray([...s.keys()], { minLength: s.length, maxLength: s.length })))
  .map(([x, perm]) => ({ inputs: [x], attrs: { perm } }));

describe('ops/transpose', () => {
  itChecksGradients('transpose', cases);
  itInfersTheEvaluatedShape('transpose', cases, (c) => (c.attrs?.perm as number[]).map((p) => c.inputs[0].shape[p]));

  it('moves element [i, j, k] to [k, i, j] for perm [2, 0, 1]', () => {
    const x = tensor([2, 3, 4], Array.from({ length: 24 }, (_, i) => i));
    const y = evaluateCase('transpose', { inputs: [x], attrs: { perm: [2, 0, 1] } });
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
      assert.equal(y.data[(k * 2 + i) * 3 + j], x.data[(i * 3 + j) * 4 + k]);
    }
  });

  it('rejects a perm that is not a permutation', () => {
    assertShapeError('transpose', [f32([2, 3])], { perm: [0, 0] }, /^transpose: perm \[0,0\] is not a permutation of 2 axes$/);
    assertShapeError('transpose', [f32([2, 3])], { perm: [1] }, /^transpose: perm \[1\] is not a permutation of 2 axes$/);
  });
});
