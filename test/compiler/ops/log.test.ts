import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { batchedUnaryCases, unaryCases } from './support/cases';
import { assertShapeError, evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/log', () => {
  itChecksGradients('log', unaryCases({ min: 0.2, max: 3 }));
  itChecksGradients('log', batchedUnaryCases({ min: 0.2, max: 3 }));
  itMatchesScalar('log', unaryCases({ min: 1e-6, max: 1e6 }));
  itInfersTheEvaluatedShape('log', unaryCases({ min: 0.2, max: 3 }), (c) => c.inputs[0].shape);

  it('computes known values', () => {
    const y = evaluateCase('log', { inputs: [tensor([2], [1, Math.E])] });
    assert.deepEqual([...y.data].map((v) => +v.toPrecision(12)), [0, 1]);
  });

  it('rejects an integer input', () => {
    assertShapeError('log', [{ shape: [2], dtype: 'i32' }], {}, /^log: input 0 has dtype i32, expected f32$/);
  });
});
