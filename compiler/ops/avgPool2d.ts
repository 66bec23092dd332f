// Average pooling, NHWC. With 'same' padding each window averages its in-bounds cells only
// (TF's behaviour), so border outputs divide by fewer than kh*kw.

import { tensor } from '../ir/tensor';
import type { OpDef } from './op';
import { expectAllF32, expectArity } from './util/check';
import { forEachPoolWindow, poolAttrValues, poolAttrs, poolOutputType, tapOffset } from './util/pool';

export const avgPool2d: OpDef = {
  name: 'avgPool2d',
  kind: 'window',
  arity: 1,
  inferType(inputs, attrs) {
    expectArity('avgPool2d', inputs, 1);
    expectAllF32('avgPool2d', inputs);
    return poolOutputType('avgPool2d', inputs[0], attrs);
  },
  evaluate([x], attrs, ctx) {
    const y = tensor(ctx.outShape);
    forEachPoolWindow('avgPool2d', x.shape, attrs, (xBase, yIndex, taps, channels, g) => {
      let s = 0;
      for (const t of taps) s += x.data[xBase + tapOffset(t, g, channels)];
      y.data[yIndex] = s / taps.length;
    });
    return y;
  },
  grad: ({ b, node, dy }) => [b.emit('avgPool2dGrad', [dy], {
    ...poolAttrValues(poolAttrs('avgPool2d', node.attrs)),
    inputShape: b.type(node.inputs[0]).shape,
  })],
};
