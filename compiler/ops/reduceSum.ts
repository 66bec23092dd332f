// Sum over `axes` (all when absent; negative axes count from the end), keepDims optional.

import type { OpDef } from './op';
import { broadcastBack, reduceType, reductionOf, sumAxes } from './util/reduce';

export const reduceSum: OpDef = {
  name: 'reduceSum',
  kind: 'reduce',
  arity: 1,
  inferType: (inputs, attrs) => reduceType('reduceSum', inputs, attrs),
  evaluate: ([x], attrs, ctx) => sumAxes(x, reductionOf('reduceSum', attrs, x.shape.length).axes, ctx.outShape),
  grad: ({ b, node, dy }) => {
    const x = node.inputs[0];
    return [broadcastBack(b, dy, x, reductionOf('reduceSum', node.attrs, b.type(x).shape.length))];
  },
};
