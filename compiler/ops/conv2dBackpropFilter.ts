// The gradient of conv2d with respect to its filter: x [N,H,W,Cin] and dy [N,oh,ow,Cout]
// to dw of `filterShape` [kh,kw,Cin,Cout], summed over the batch. Linear in x and in dy:
// from <backpropFilter(x, dy), g> = <dy, conv2d(x, g)> its rules are conv2d and the input
// gradient.

import { tensor } from '../ir/tensor';
import { formatShape, sameShape } from '../ir/types';
import type { OpDef } from './op';
import { attrShape } from './util/attrs';
import { expectAllF32, expectArity, f32, fail } from './util/check';
import { convAttrs, convLoop, convOutputType, forEachConvTap } from './util/conv';

export const conv2dBackpropFilter: OpDef = {
  name: 'conv2dBackpropFilter',
  kind: 'contraction',
  arity: 2,
  // The CPU kernel sums dW in place image by image, so no value is final until it ends: the
  // loop consuming dW (a kernel regularizer's term) runs as a kernel of its own.
  takesEpilogue: false,
  inferType(inputs, attrs) {
    expectArity('conv2dBackpropFilter', inputs, 2);
    expectAllF32('conv2dBackpropFilter', inputs);
    const [x, dy] = inputs;
    const filterShape = attrShape('conv2dBackpropFilter', attrs, 'filterShape');
    const expected = convOutputType('conv2dBackpropFilter', x, filterShape, attrs);
    if (!sameShape(expected.shape, dy.shape)) {
      fail('conv2dBackpropFilter', `dy ${formatShape(dy.shape)} is not conv2d's output ${formatShape(expected.shape)} for input ${formatShape(x.shape)}`);
    }
    return f32(filterShape);
  },
  evaluate([x, dy], attrs, ctx) {
    const loop = convLoop('conv2dBackpropFilter', x.shape, ctx.outShape, attrs);
    const dw = tensor(ctx.outShape);
    const { cin, cout } = loop;
    forEachConvTap(loop, (xBase, wBase, yBase) => {
      for (let ci = 0; ci < cin; ci++) {
        const xv = x.data[xBase + ci];
        for (let co = 0; co < cout; co++) dw.data[wBase + ci * cout + co] += xv * dy.data[yBase + co];
      }
    });
    return dw;
  },
  grad: ({ b, node, dy: g }) => {
    const [x, dy] = node.inputs;
    const { strides, padding } = convAttrs('conv2dBackpropFilter', node.attrs);
    return [
      b.emit('conv2dBackpropInput', [dy, g], { inputShape: b.type(x).shape, strides, padding }),
      b.emit('conv2d', [x, g], { strides, padding }),
    ];
  },
};
