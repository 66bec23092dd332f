import { strict as assert } from 'node:assert';
import { GraphBuilder } from '../../../compiler/ir/builder';
import { tensor } from '../../../compiler/ir/tensor';
import { getOp } from '../../../compiler/ops/index';
import { unaryCases } from './support/cases';
import { evaluateCase, f32, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/sign', () => {
  itMatchesScalar('sign', unaryCases({ min: -1e3, max: 1e3 }));
  itInfersTheEvaluatedShape('sign', unaryCases(), (c) => c.inputs[0].shape);

  it('is -1, 0 or 1', () => {
    assert.deepEqual([...evaluateCase('sign', { inputs: [tensor([3], [-2, 0, 0.5])] }).data], [-1, 0, 1]);
  });

  it('passes no gradient (piecewise constant)', () => {
    const b = new GraphBuilder();
    const y = b.emit('sign', [b.input('x', f32([2]))]);
    const rule = getOp('sign').grad;
    assert.ok(rule);
    assert.deepEqual(rule({ b, node: b.node(y), dy: y }), [null]);
  });
});
