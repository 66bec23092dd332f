// The gradient of avgPool2d: each dy spread evenly over its window's in-bounds cells, into
// a tensor of `inputShape`. It is the adjoint of the linear avgPool2d, so its own rule is
// avgPool2d again.

import { tensor } from '../ir/tensor';
import { formatShape, sameShape } from '../ir/types';
import type { OpDef } from './op';
import { attrShape } from './util/attrs';
import { expectAllF32, expectArity, f32, fail } from './util/check';
import { forEachPoolWindow, poolAttrValues, poolAttrs, poolOutputShape, tapOffset } from './util/pool';

export const avgPool2dGrad: OpDef = {
  name: 'avgPool2dGrad',
  kind: 'window',
  arity: 1,
  inferType(inputs, attrs) {
    expectArity('avgPool2dGrad', inputs, 1);
    expectAllF32('avgPool2dGrad', inputs);
    const inputShape = attrShape('avgPool2dGrad', attrs, 'inputShape');
    const expected = poolOutputShape('avgPool2dGrad', f32(inputShape), attrs);
    if (!sameShape(expected, inputs[0].shape)) {
      fail('avgPool2dGrad', `dy ${formatShape(inputs[0].shape)} is not avgPool2d's output ${formatShape(expected)} for input ${formatShape(inputShape)}`);
    }
    return f32(inputShape);
  },
  evaluate([dy], attrs, ctx) {
    const dx = tensor(ctx.outShape);
    forEachPoolWindow('avgPool2dGrad', ctx.outShape, attrs, (xBase, yIndex, taps, channels, g) => {
      const share = dy.data[yIndex] / taps.length;
      for (const t of taps) dx.data[xBase + tapOffset(t, g, channels)] += share;
    });
    return dx;
  },
  grad: ({ b, node, dy }) => [b.emit('avgPool2d', [dy], poolAttrValues(poolAttrs('avgPool2dGrad', node.attrs)))],
};
