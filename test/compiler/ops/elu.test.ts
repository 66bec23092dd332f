import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { unaryCases } from './support/cases';
import { assertShapeError, evaluateCase, f32, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar, ruleGradients } from './support/properties';

const alpha = fc.double({ min: 0.1, max: 2, noNaN: true }).map((a) => ({ alpha: a }));

describe('ops/elu', () => {
  itChecksGradients('elu', unaryCases({ awayFromZero: 0.01 }, alpha));
  itMatchesScalar('elu', unaryCases({ min: -50, max: 50 }, alpha));
  itInfersTheEvaluatedShape('elu', unaryCases({}, alpha), (c) => c.inputs[0].shape);

  it('is alpha*(exp(x) - 1) for x <= 0 with slope alpha*exp(x) there', () => {
    const c = { inputs: [tensor([3], [Math.log(0.5), 0, 2])], attrs: { alpha: 2 } };
    assert.deepEqual([...evaluateCase('elu', c).data].map((v) => +v.toFixed(12)), [-1, 0, 2]);
    const [dx] = ruleGradients('elu', c);
    assert.deepEqual([...dx.data].map((v) => +v.toFixed(12)), [1, 2, 1]);
  });

  it('needs a numeric alpha', () => {
    assertShapeError('elu', [f32([2])], { alpha: null }, /^elu: attr alpha must be a finite number, got null$/);
  });
});
