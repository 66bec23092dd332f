import { strict as assert } from 'node:assert';
import { GraphBuilder } from '../../../compiler/ir/builder';
import { interpret } from '../../../compiler/ir/interpret';
import { tensor } from '../../../compiler/ir/tensor';
import { assertShapeError, inferShape } from './support/properties';

describe('ops/constant', () => {
  it('fills its shape, binding N from the graph', () => {
    const b = new GraphBuilder();
    b.input('x', { shape: ['N', 2], dtype: 'f32' });
    b.output('c', b.emit('constant', [], { value: 1.5, shape: ['N', 2] }));
    const c = interpret(b.build(), { x: tensor([3, 2]) }).outputs.c;
    assert.deepEqual(c.shape, [3, 2]);
    assert.deepEqual([...c.data], [1.5, 1.5, 1.5, 1.5, 1.5, 1.5]);
  });

  it('defaults to a scalar and needs a numeric value', () => {
    assert.deepEqual(inferShape('constant', [], { value: 0 }), []);
    assertShapeError('constant', [], { shape: [2] }, /^constant: attr value must be a finite number, got nothing$/);
    assertShapeError('constant', [], { value: 1, shape: [2.5] }, /^constant: attr shape must be a shape/);
  });
});
