import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { batchedUnaryCases, unaryCases } from './support/cases';
import { assertShapeError, evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/square', () => {
  itChecksGradients('square', unaryCases({}));
  itChecksGradients('square', batchedUnaryCases({}));
  itMatchesScalar('square', unaryCases({ min: -1e3, max: 1e3 }));
  itInfersTheEvaluatedShape('square', unaryCases({}), (c) => c.inputs[0].shape);

  it('computes known values', () => {
    const y = evaluateCase('square', { inputs: [tensor([2], [-3, 0.5])] });
    assert.deepEqual([...y.data].map((v) => +v.toPrecision(12)), [9, 0.25]);
  });

  it('rejects an integer input', () => {
    assertShapeError('square', [{ shape: [2], dtype: 'i32' }], {}, /^square: input 0 has dtype i32, expected f32$/);
  });
});
