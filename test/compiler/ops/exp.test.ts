import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { batchedUnaryCases, unaryCases } from './support/cases';
import { assertShapeError, evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/exp', () => {
  itChecksGradients('exp', unaryCases({}));
  itChecksGradients('exp', batchedUnaryCases({}));
  itMatchesScalar('exp', unaryCases({ min: -50, max: 50 }));
  itInfersTheEvaluatedShape('exp', unaryCases({}), (c) => c.inputs[0].shape);

  it('computes known values', () => {
    const y = evaluateCase('exp', { inputs: [tensor([2], [0, 1])] });
    assert.deepEqual([...y.data].map((v) => +v.toPrecision(12)), [1, 2.71828182846]);
  });

  it('rejects an integer input', () => {
    assertShapeError('exp', [{ shape: [2], dtype: 'i32' }], {}, /^exp: input 0 has dtype i32, expected f32$/);
  });
});
