// Max pooling, NHWC. Padded cells never win (TF). Rule: maxPool2dGrad routes dy to the
// first maximum of each window in row-major window order.

import { tensor } from '../ir/tensor';
import type { OpDef } from './op';
import { expectAllF32, expectArity } from './util/check';
import { firstMaxIndex, forEachPoolWindow, poolAttrValues, poolAttrs, poolOutputType } from './util/pool';

export const maxPool2d: OpDef = {
  name: 'maxPool2d',
  kind: 'window',
  arity: 1,
  inferType(inputs, attrs) {
    expectArity('maxPool2d', inputs, 1);
    expectAllF32('maxPool2d', inputs);
    return poolOutputType('maxPool2d', inputs[0], attrs);
  },
  evaluate([x], attrs, ctx) {
    const y = tensor(ctx.outShape);
    forEachPoolWindow('maxPool2d', x.shape, attrs, (xBase, yIndex, taps, channels, g) => {
      y.data[yIndex] = x.data[firstMaxIndex(x.data, xBase, taps, channels, g)];
    });
    return y;
  },
  grad: ({ b, node, dy }) => [b.emit('maxPool2dGrad', [node.inputs[0], dy], poolAttrValues(poolAttrs('maxPool2d', node.attrs)))],
};
