// Sums x down to `shape`, which must broadcast to x's shape: the adjoint of broadcasting,
// used by every gradient rule whose input was broadcast.

import { formatShape } from '../ir/types';
import type { OpDef } from './op';
import { attrShape } from './util/attrs';
import { expectArity, expectDtype, f32, fail } from './util/check';
import { sumToShape } from './util/evaluate';
import { broadcastsTo } from './util/shape';

export const sumTo: OpDef = {
  name: 'sumTo',
  kind: 'reduce',
  sumsToShape: true,
  arity: 1,
  inferType(inputs, attrs) {
    expectArity('sumTo', inputs, 1);
    const [x] = inputs;
    expectDtype('sumTo', x, 'f32', 'input');
    const shape = attrShape('sumTo', attrs, 'shape');
    if (!broadcastsTo(shape, x.shape)) fail('sumTo', `${formatShape(shape)} does not broadcast to the input ${formatShape(x.shape)}`);
    return f32(shape);
  },
  evaluate: ([x], _attrs, ctx) => sumToShape(x, ctx.outShape),
  grad: ({ b, node, dy }) => [b.emit('broadcastTo', [dy], { shape: b.type(node.inputs[0]).shape })],
};
