// numpy broadcast of x to `shape` (which may hold N). Its adjoint is sumTo.

import { S } from '../ir/scalar';
import { formatShape } from '../ir/types';
import type { OpDef } from './op';
import { attrShape } from './util/attrs';
import { expectArity, fail } from './util/check';
import { mapBroadcast } from './util/evaluate';
import { broadcastsTo } from './util/shape';

export const broadcastTo: OpDef = {
  name: 'broadcastTo',
  kind: 'broadcast',
  arity: 1,
  inferType(inputs, attrs) {
    expectArity('broadcastTo', inputs, 1);
    const [x] = inputs;
    const shape = attrShape('broadcastTo', attrs, 'shape');
    if (!broadcastsTo(x.shape, shape)) fail('broadcastTo', `${formatShape(x.shape)} does not broadcast to ${formatShape(shape)}`);
    return { shape, dtype: x.dtype };
  },
  evaluate: (inputs, _attrs, ctx) => mapBroadcast(inputs, ctx.outShape, ([x]) => x),
  scalar: () => S.arg(0),
  grad: ({ b, node, dy }) => [b.emit('sumTo', [dy], { shape: b.type(node.inputs[0]).shape })],
};
