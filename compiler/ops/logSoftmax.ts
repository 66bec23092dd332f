// log(softmax(x)) along `axis`, computed stably. Rule: dx = dy - exp(y) * sum(dy, axis).

import { tensor } from '../ir/tensor';
import type { OpDef } from './op';
import { attrAxis } from './util/attrs';
import { forEachLane } from './util/evaluate';
import { logSoftmaxLane } from './util/softmax';
import { softmaxType } from './softmax';

export const logSoftmax: OpDef = {
  name: 'logSoftmax',
  kind: 'reduce',
  arity: 1,
  inferType: (inputs, attrs) => softmaxType('logSoftmax', inputs, attrs),
  evaluate([x], attrs) {
    const out = tensor(x.shape);
    forEachLane(x.shape, attrAxis('logSoftmax', attrs, x.shape.length), (o, s, n) => logSoftmaxLane(x.data, out.data, o, s, n));
    return out;
  },
  grad: ({ b, node, dy }) => {
    const axis = attrAxis('logSoftmax', node.attrs, node.type.shape.length);
    const total = b.emit('reduceSum', [dy], { axes: [axis], keepDims: true });
    return [b.emit('sub', [dy, b.emit('mul', [b.emit('exp', [node.id]), total])])];
  },
};
