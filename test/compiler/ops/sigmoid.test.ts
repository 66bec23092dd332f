import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { batchedUnaryCases, unaryCases } from './support/cases';
import { assertShapeError, evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/sigmoid', () => {
  itChecksGradients('sigmoid', unaryCases({ min: -3, max: 3 }));
  itChecksGradients('sigmoid', batchedUnaryCases({ min: -3, max: 3 }));
  itMatchesScalar('sigmoid', unaryCases({ min: -50, max: 50 }));
  itInfersTheEvaluatedShape('sigmoid', unaryCases({ min: -3, max: 3 }), (c) => c.inputs[0].shape);

  it('computes known values', () => {
    const y = evaluateCase('sigmoid', { inputs: [tensor([2], [0, Math.log(3)])] });
    assert.deepEqual([...y.data].map((v) => +v.toPrecision(12)), [0.5, 0.75]);
  });

  it('rejects an integer input', () => {
    assertShapeError('sigmoid', [{ shape: [2], dtype: 'i32' }], {}, /^sigmoid: input 0 has dtype i32, expected f32$/);
  });
});
