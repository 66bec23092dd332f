// 2-D convolution (cross-correlation, as TF/Keras), NHWC x HWIO, strides, valid/same padding.

import { tensor } from '../ir/tensor';
import type { OpDef } from './op';
import { expectAllF32, expectArity } from './util/check';
import { convAttrs, convLoop, convOutputType, forEachConvTap } from './util/conv';

export const conv2d: OpDef = {
  name: 'conv2d',
  kind: 'contraction',
  arity: 2,
  inferType(inputs, attrs) {
    expectArity('conv2d', inputs, 2);
    expectAllF32('conv2d', inputs);
    return convOutputType('conv2d', inputs[0], inputs[1].shape, attrs);
  },
  evaluate([x, w], attrs, ctx) {
    const loop = convLoop('conv2d', x.shape, w.shape, attrs);
    const y = tensor(ctx.outShape);
    const { cin, cout } = loop;
    forEachConvTap(loop, (xBase, wBase, yBase) => {
      for (let ci = 0; ci < cin; ci++) {
        const xv = x.data[xBase + ci];
        for (let co = 0; co < cout; co++) y.data[yBase + co] += xv * w.data[wBase + ci * cout + co];
      }
    });
    return y;
  },
  grad: ({ b, node, dy }) => {
    const [x, w] = node.inputs;
    const { strides, padding } = convAttrs('conv2d', node.attrs);
    return [
      b.emit('conv2dBackpropInput', [dy, w], { inputShape: b.type(x).shape, strides, padding }),
      b.emit('conv2dBackpropFilter', [x, dy], { filterShape: b.type(w).shape, strides, padding }),
    ];
  },
};
