import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { shapeArb, tensorArb } from '../../../testing/arbitraries/tensor';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, inferShape, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

// A target shape, and x with some of its leading axes dropped and some set to 1.
const cases: fc.Arbitrary<OpCase> = shapeArb({ maxRank: 3, maxDim: 3 }).chain((full) =>
  fc.tuple(fc.integer({ min: 0, max: full.length }), fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }))
    .chain(([drop, ones]) => tensorArb(full.map((d, i) => (ones[i] ? 1 : d)).slice(drop)))
    .map((x) => ({ inputs: [x], attrs: { shape: full } })));

describe('ops/broadcastTo', () => {
  itChecksGradients('broadcastTo', cases);
  itMatchesScalar('broadcastTo', cases);
  itInfersTheEvaluatedShape('broadcastTo', cases, (c) => c.attrs?.shape as number[]);

  it('repeats along new and unit axes', () => {
    const y = evaluateCase('broadcastTo', { inputs: [tensor([2, 1], [1, 2])], attrs: { shape: [2, 2, 3] } });
    assert.deepEqual([...y.data], [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]);
  });

  it('broadcasts 1 to N but never a number to N', () => {
    assert.deepEqual(inferShape('broadcastTo', [f32([1, 3])], { shape: ['N', 3] }), ['N', 3]);
    assertShapeError('broadcastTo', [f32([2, 3])], { shape: ['N', 3] }, /^broadcastTo: \[2,3\] does not broadcast to \[N,3\]$/);
  });
});
