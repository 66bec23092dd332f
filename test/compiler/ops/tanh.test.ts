import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { batchedUnaryCases, unaryCases } from './support/cases';
import { assertShapeError, evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/tanh', () => {
  itChecksGradients('tanh', unaryCases({ min: -3, max: 3 }));
  itChecksGradients('tanh', batchedUnaryCases({ min: -3, max: 3 }));
  itMatchesScalar('tanh', unaryCases({ min: -50, max: 50 }));
  itInfersTheEvaluatedShape('tanh', unaryCases({ min: -3, max: 3 }), (c) => c.inputs[0].shape);

  it('computes known values', () => {
    const y = evaluateCase('tanh', { inputs: [tensor([2], [0, Math.log(2)])] });
    assert.deepEqual([...y.data].map((v) => +v.toPrecision(12)), [0, 0.6]);
  });

  it('rejects an integer input', () => {
    assertShapeError('tanh', [{ shape: [2], dtype: 'i32' }], {}, /^tanh: input 0 has dtype i32, expected f32$/);
  });
});
