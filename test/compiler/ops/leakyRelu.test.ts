import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { unaryCases } from './support/cases';
import { assertShapeError, evaluateCase, f32, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar, ruleGradients } from './support/properties';

const alpha = fc.double({ min: 0, max: 1, noNaN: true }).map((a) => ({ alpha: a }));

describe('ops/leakyRelu', () => {
  itChecksGradients('leakyRelu', unaryCases({ awayFromZero: 0.01 }, alpha));
  itMatchesScalar('leakyRelu', unaryCases({ min: -1e3, max: 1e3 }, alpha));
  itInfersTheEvaluatedShape('leakyRelu', unaryCases({}, alpha), (c) => c.inputs[0].shape);

  it('takes the alpha branch at exactly x = 0, like prelu', () => {
    const c = { inputs: [tensor([3], [-2, 0, 3])], attrs: { alpha: 0.3 } };
    assert.deepEqual([...evaluateCase('leakyRelu', c).data], [-0.6, 0, 3]);
    const [dx] = ruleGradients('leakyRelu', c, tensor([3], [10, 10, 10]));
    assert.deepEqual([...dx.data], [3, 3, 10]);
  });

  it('needs a numeric alpha', () => {
    assertShapeError('leakyRelu', [f32([2])], {}, /^leakyRelu: attr alpha must be a finite number, got nothing$/);
    assertShapeError('leakyRelu', [f32([2])], { alpha: 'x' }, /^leakyRelu: attr alpha must be a finite number, got "x"$/);
  });
});
