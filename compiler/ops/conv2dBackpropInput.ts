// The gradient of conv2d with respect to its input: dy [N,oh,ow,Cout] and w [kh,kw,Cin,Cout]
// to dx of `inputShape` (needed because strided `same` maps several input sizes to one
// output size). It is linear in dy and in w: its own rules are conv2d and the filter
// gradient, from <backpropInput(dy, w), g> = <dy, conv2d(g, w)>.

import { tensor } from '../ir/tensor';
import { formatShape, sameShape } from '../ir/types';
import type { OpDef } from './op';
import { attrShape } from './util/attrs';
import { expectAllF32, expectArity, f32, fail } from './util/check';
import { convAttrs, convLoop, convOutputType, forEachConvTap } from './util/conv';

export const conv2dBackpropInput: OpDef = {
  name: 'conv2dBackpropInput',
  kind: 'contraction',
  arity: 2,
  inferType(inputs, attrs) {
    expectArity('conv2dBackpropInput', inputs, 2);
    expectAllF32('conv2dBackpropInput', inputs);
    const [dy, w] = inputs;
    const inputShape = attrShape('conv2dBackpropInput', attrs, 'inputShape');
    const expected = convOutputType('conv2dBackpropInput', f32(inputShape), w.shape, attrs);
    if (!sameShape(expected.shape, dy.shape)) {
      fail('conv2dBackpropInput', `dy ${formatShape(dy.shape)} is not conv2d's output ${formatShape(expected.shape)} for input ${formatShape(inputShape)}`);
    }
    return f32(inputShape);
  },
  evaluate([dy, w], attrs, ctx) {
    const loop = convLoop('conv2dBackpropInput', ctx.outShape, w.shape, attrs);
    const dx = tensor(ctx.outShape);
    const { cin, cout } = loop;
    forEachConvTap(loop, (xBase, wBase, yBase) => {
      for (let ci = 0; ci < cin; ci++) {
        let s = 0;
        for (let co = 0; co < cout; co++) s += dy.data[yBase + co] * w.data[wBase + ci * cout + co];
        dx.data[xBase + ci] += s;
      }
    });
    return dx;
  },
  grad: ({ b, node, dy: g }) => {
    const [dy, w] = node.inputs;
    const { strides, padding } = convAttrs('conv2dBackpropInput', node.attrs);
    return [
      b.emit('conv2d', [g, w], { strides, padding }),
      b.emit('conv2dBackpropFilter', [g, dy], { filterShape: b.type(w).shape, strides, padding }),
    ];
  },
};
