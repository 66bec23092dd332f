import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { broadcastPairArb, gridTensorArb } from '../../../testing/arbitraries/tensor';
import { binaryCases, broadcastShapeOf } from './support/cases';
import { evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar, ruleGradients } from './support/properties';

// Values on two grids offset by a quarter step never tie, so finite differences are valid.
const untied = broadcastPairArb({ maxRank: 3, maxDim: 3 })
  .chain(([a, b]) => fc.tuple(gridTensorArb(a, 0.5, 0), gridTensorArb(b, 0.5, 0.125)))
  .map(([a, b]) => ({ inputs: [a, b] }));

describe('ops/minimum', () => {
  itChecksGradients('minimum', untied);
  itMatchesScalar('minimum', binaryCases({ min: -1e3, max: 1e3 }));
  itInfersTheEvaluatedShape('minimum', binaryCases(), broadcastShapeOf);

  it('gives a tie to the first argument (as TensorFlow)', () => {
    const c = { inputs: [tensor([2], [1, 2]), tensor([2], [1, 3])] };
    assert.deepEqual([...evaluateCase('minimum', c).data], [1, 2]);
    const [da, db] = ruleGradients('minimum', c);
    assert.deepEqual([...da.data], [1, 1]);
    assert.deepEqual([...db.data], [0, 0]);
  });
});
