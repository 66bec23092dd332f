// Maximum over `axes` (all when absent; negative axes count from the end), keepDims optional.
// The gradient is TensorFlow's (math_grad's _MinOrMaxGrad): dy is split equally among the
// cells tied for the maximum, so a tie of k cells gives each dy/k (maxPool2d instead gives
// all of it to the first maximum, as TF's max_pool does).

import type { OpDef } from './op';
import { broadcastBack, maxAxes, reduceType, reductionOf } from './util/reduce';
import { scalarConstant } from './util/gradient';

export const reduceMax: OpDef = {
  name: 'reduceMax',
  kind: 'reduce',
  arity: 1,
  inferType: (inputs, attrs) => reduceType('reduceMax', inputs, attrs),
  evaluate: ([x], attrs, ctx) => maxAxes(x, reductionOf('reduceMax', attrs, x.shape.length).axes, ctx.outShape),
  grad: ({ b, node, dy }) => {
    const x = node.inputs[0];
    const r = reductionOf('reduceMax', node.attrs, b.type(x).shape.length);
    const kept = { axes: r.axes, keepDims: true };
    // y >= x everywhere, so "not below the maximum" is "equal to it".
    const below = b.emit('greater', [broadcastBack(b, node.id, x, r), x]);
    const isMax = b.emit('sub', [scalarConstant(b, 1), below]);
    const ties = b.emit('reduceSum', [isMax], kept);
    const dyKept = r.keepDims ? dy : b.emit('reshape', [dy], { shape: [...b.type(ties).shape] });
    return [b.emit('mul', [isMax, broadcastBack(b, b.emit('div', [dyKept, ties]), x, kept)])];
  },
};
