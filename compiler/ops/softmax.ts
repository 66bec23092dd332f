// softmax along `axis` (default -1). Rule: dx = y * (dy - sum(dy * y, axis)).

import { tensor } from '../ir/tensor';
import type { Attrs, TensorType } from '../ir/types';
import type { OpDef } from './op';
import { attrAxis } from './util/attrs';
import { expectArity, expectDtype, f32 } from './util/check';
import { forEachLane } from './util/evaluate';
import { logSoftmaxLane } from './util/softmax';

export function softmaxType(op: string, inputs: readonly TensorType[], attrs: Attrs): TensorType {
  expectArity(op, inputs, 1);
  expectDtype(op, inputs[0], 'f32', 'input');
  attrAxis(op, attrs, inputs[0].shape.length);
  return f32(inputs[0].shape);
}

export const softmax: OpDef = {
  name: 'softmax',
  kind: 'reduce',
  arity: 1,
  inferType: (inputs, attrs) => softmaxType('softmax', inputs, attrs),
  evaluate([x], attrs) {
    const out = tensor(x.shape);
    forEachLane(x.shape, attrAxis('softmax', attrs, x.shape.length), (o, s, n) => logSoftmaxLane(x.data, out.data, o, s, n));
    for (let i = 0; i < out.data.length; i++) out.data[i] = Math.exp(out.data[i]);
    return out;
  },
  grad: ({ b, node, dy }) => {
    const axis = attrAxis('softmax', node.attrs, node.type.shape.length);
    const y = node.id;
    const dot = b.emit('reduceSum', [b.emit('mul', [dy, y])], { axes: [axis], keepDims: true });
    return [b.emit('mul', [y, b.emit('sub', [dy, dot])])];
  },
};
