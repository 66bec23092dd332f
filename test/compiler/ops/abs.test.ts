import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { batchedUnaryCases, unaryCases } from './support/cases';
import { assertShapeError, evaluateCase, ruleGradients, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/abs', () => {
  itChecksGradients('abs', unaryCases({ awayFromZero: 0.01 }));
  itChecksGradients('abs', batchedUnaryCases({ awayFromZero: 0.01 }));
  itMatchesScalar('abs', unaryCases({ min: -1e3, max: 1e3 }));
  itInfersTheEvaluatedShape('abs', unaryCases({ awayFromZero: 0.01 }), (c) => c.inputs[0].shape);

  it('computes known values', () => {
    const y = evaluateCase('abs', { inputs: [tensor([3], [-2, 0, 3])] });
    assert.deepEqual([...y.data].map((v) => +v.toPrecision(12)), [2, 0, 3]);
  });

  it('rejects an integer input', () => {
    assertShapeError('abs', [{ shape: [2], dtype: 'i32' }], {}, /^abs: input 0 has dtype i32, expected f32$/);
  });

  it('has gradient sign(x) * dy, 0 at x = 0', () => {
    const [dx] = ruleGradients('abs', { inputs: [tensor([3], [-1, 0, 1])] }, tensor([3], [5, 5, 5]));
    assert.deepEqual([...dx.data], [-5, 0, 5]);
  });
});
