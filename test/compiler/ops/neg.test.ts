import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { batchedUnaryCases, unaryCases } from './support/cases';
import { assertShapeError, evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/neg', () => {
  itChecksGradients('neg', unaryCases({}));
  itChecksGradients('neg', batchedUnaryCases({}));
  itMatchesScalar('neg', unaryCases({ min: -1e6, max: 1e6 }));
  itInfersTheEvaluatedShape('neg', unaryCases({}), (c) => c.inputs[0].shape);

  it('computes known values', () => {
    const y = evaluateCase('neg', { inputs: [tensor([3], [-1, 0, 2.5])] });
    assert.deepEqual([...y.data].map((v) => +v.toPrecision(12)), [1, 0, -2.5]);
  });

  it('rejects an integer input', () => {
    assertShapeError('neg', [{ shape: [2], dtype: 'i32' }], {}, /^neg: input 0 has dtype i32, expected f32$/);
  });
});
