import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { batchedUnaryCases, unaryCases } from './support/cases';
import { assertShapeError, evaluateCase, ruleGradients, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/relu', () => {
  itChecksGradients('relu', unaryCases({ awayFromZero: 0.01 }));
  itChecksGradients('relu', batchedUnaryCases({ awayFromZero: 0.01 }));
  itMatchesScalar('relu', unaryCases({ min: -1e3, max: 1e3 }));
  itInfersTheEvaluatedShape('relu', unaryCases({ awayFromZero: 0.01 }), (c) => c.inputs[0].shape);

  it('computes known values', () => {
    const y = evaluateCase('relu', { inputs: [tensor([3], [-2, 0, 3])] });
    assert.deepEqual([...y.data].map((v) => +v.toPrecision(12)), [0, 0, 3]);
  });

  it('rejects an integer input', () => {
    assertShapeError('relu', [{ shape: [2], dtype: 'i32' }], {}, /^relu: input 0 has dtype i32, expected f32$/);
  });

  it('passes no gradient at exactly x = 0 (TensorFlow convention)', () => {
    const [dx] = ruleGradients('relu', { inputs: [tensor([3], [-1, 0, 1])] }, tensor([3], [5, 5, 5]));
    assert.deepEqual([...dx.data], [0, 0, 5]);
  });
});
