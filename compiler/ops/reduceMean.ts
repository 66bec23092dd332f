// Mean over `axes`. The rule divides by shapeCount(x, axes), so a mean over the symbolic
// batch axis stays correct for any bound N.

import type { OpDef } from './op';
import { mapUnary } from './util/evaluate';
import { broadcastBack, reduceType, reductionOf, sumAxes } from './util/reduce';

export const reduceMean: OpDef = {
  name: 'reduceMean',
  kind: 'reduce',
  arity: 1,
  inferType: (inputs, attrs) => reduceType('reduceMean', inputs, attrs),
  evaluate([x], attrs, ctx) {
    const { axes } = reductionOf('reduceMean', attrs, x.shape.length);
    const count = axes.reduce((n, a) => n * x.shape[a], 1);
    return mapUnary(sumAxes(x, axes, ctx.outShape), (s) => s / count);
  },
  grad: ({ b, node, dy }) => {
    const x = node.inputs[0];
    const r = reductionOf('reduceMean', node.attrs, b.type(x).shape.length);
    const count = b.emit('shapeCount', [x], { axes: r.axes });
    return [b.emit('div', [broadcastBack(b, dy, x, r), count])];
  },
};
