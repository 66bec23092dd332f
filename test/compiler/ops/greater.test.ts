import { strict as assert } from 'node:assert';
import { GraphBuilder } from '../../../compiler/ir/builder';
import { tensor } from '../../../compiler/ir/tensor';
import { getOp } from '../../../compiler/ops/index';
import { binaryCases, broadcastShapeOf } from './support/cases';
import { assertShapeError, evaluateCase, f32, itInfersTheEvaluatedShape, itMatchesScalar } from './support/properties';

describe('ops/greater', () => {
  itMatchesScalar('greater', binaryCases({ min: -3, max: 3 }));
  itInfersTheEvaluatedShape('greater', binaryCases(), broadcastShapeOf);

  it('is 1 where a > b, else 0 (equal is 0)', () => {
    const y = evaluateCase('greater', { inputs: [tensor([3], [1, 2, 3]), tensor([1], [2])] });
    assert.deepEqual([...y.data], [0, 0, 1]);
  });

  it('gives no gradient to either input (a comparison)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', f32([2]));
    const y = b.emit('greater', [x, x]);
    const rule = getOp('greater').grad;
    assert.ok(rule);
    assert.deepEqual(rule({ b, node: b.node(y), dy: y }), [null, null]);
  });

  it('rejects shapes that do not broadcast', () => {
    assertShapeError('greater', [f32([2]), f32([3])], {}, /^greater: shapes \[2\] and \[3\] do not broadcast$/);
  });
});
