import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { batchedUnaryCases, unaryCases } from './support/cases';
import { assertShapeError, evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/sqrt', () => {
  itChecksGradients('sqrt', unaryCases({ min: 0.2, max: 3 }));
  itChecksGradients('sqrt', batchedUnaryCases({ min: 0.2, max: 3 }));
  itMatchesScalar('sqrt', unaryCases({ min: 0, max: 1e6 }));
  itInfersTheEvaluatedShape('sqrt', unaryCases({ min: 0.2, max: 3 }), (c) => c.inputs[0].shape);

  it('computes known values', () => {
    const y = evaluateCase('sqrt', { inputs: [tensor([2], [4, 0])] });
    assert.deepEqual([...y.data].map((v) => +v.toPrecision(12)), [2, 0]);
  });

  it('rejects an integer input', () => {
    assertShapeError('sqrt', [{ shape: [2], dtype: 'i32' }], {}, /^sqrt: input 0 has dtype i32, expected f32$/);
  });
});
