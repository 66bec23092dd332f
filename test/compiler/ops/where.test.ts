import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { broadcastShapes, tensor } from '../../../compiler/ir/tensor';
import { gridTensorArb, shapeArb, tensorArb } from '../../../testing/arbitraries/tensor';
import { assertShapeError, evaluateCase, f32, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar, ruleGradients } from './support/properties';
import type { OpCase } from './support/properties';

// cond of 0s and 1s (a grid with step 1), a and b broadcasting against it.
const cases: fc.Arbitrary<OpCase> = shapeArb({ maxRank: 3, maxDim: 3 })
  .chain((full) => {
    const suffix = fc.integer({ min: 0, max: full.length }).map((k) => full.slice(k));
    return fc.tuple(suffix, suffix, suffix);
  })
  .chain(([c, a, b]) => fc.tuple(gridTensorArb(c, 1, 0, 1).map((t) => tensor(t.shape, t.data.map(Math.abs))), tensorArb(a), tensorArb(b)))
  .map(([c, a, b]) => ({ inputs: [c, a, b], constant: [0] }));

describe('ops/where', () => {
  itChecksGradients('where', cases);
  itMatchesScalar('where', cases);
  itInfersTheEvaluatedShape('where', cases, (c) => c.inputs.reduce<number[]>((s, t) => broadcastShapes(s, t.shape), []));

  it('routes dy to a where cond != 0 and to b elsewhere, summed over broadcast axes', () => {
    const c = { inputs: [tensor([2, 2], [1, 0, 0, 1]), tensor([2, 2], [1, 2, 3, 4]), tensor([1], [9])], constant: [0] };
    assert.deepEqual([...evaluateCase('where', c).data], [1, 9, 9, 4]);
    const [da, db] = ruleGradients('where', c);
    assert.deepEqual([...da.data], [1, 0, 0, 1]);
    assert.deepEqual([...db.data], [2]);
  });

  it('rejects shapes that do not broadcast', () => {
    assertShapeError('where', [f32([2]), f32([2]), f32([3])], {}, /^where: shapes \[2\] and \[2\] and \[3\] do not broadcast$/);
  });
});
