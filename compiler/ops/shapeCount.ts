// The number of elements of x on `axes` (all axes when absent), as an f32 scalar. A mean
// divides by it, so the symbolic batch N is only bound when the graph runs.

import { tensor } from '../ir/tensor';
import type { OpDef } from './op';
import { attrAxes } from './util/attrs';
import { expectArity, f32 } from './util/check';

export const shapeCount: OpDef = {
  name: 'shapeCount',
  kind: 'opaque',
  arity: 1,
  inferType(inputs, attrs) {
    expectArity('shapeCount', inputs, 1);
    attrAxes('shapeCount', attrs, inputs[0].shape.length);
    return f32([]);
  },
  evaluate([x], attrs) {
    const axes = attrAxes('shapeCount', attrs, x.shape.length);
    return tensor([], [axes.reduce((n, a) => n * x.shape[a], 1)]);
  },
  // Depends on x's shape only: a zero gradient (not null), so a mean over values that a
  // parameter feeds still differentiates.
  grad: ({ b, node }) => [b.emit('constant', [], { value: 0, shape: b.type(node.inputs[0]).shape })],
};
