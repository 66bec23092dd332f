// Cross-entropy from logits, one value per row: -sum(onehot * logSoftmax(logits)).
// Rule: dlogits = (softmax(logits) - onehot) * dy, exact when each target row sums to 1
// (one-hot or a distribution, which is what the op is for); donehot = -logSoftmax * dy.

import { tensor } from '../ir/tensor';
import type { OpDef } from './op';
import { crossEntropyType } from './util/crossEntropy';
import { forEachLane } from './util/evaluate';
import { withUnitAxis } from './util/gradient';
import { logSoftmaxLane } from './util/softmax';

export const softmaxCrossEntropy: OpDef = {
  name: 'softmaxCrossEntropy',
  kind: 'opaque',
  arity: 2,
  inferType: (inputs) => crossEntropyType('softmaxCrossEntropy', inputs, 'dense'),
  evaluate([logits, onehot], _attrs, ctx) {
    const logp = tensor(logits.shape);
    const out = tensor(ctx.outShape);
    const axis = logits.shape.length - 1;
    forEachLane(logits.shape, axis, (offset, stride, classes) => {
      logSoftmaxLane(logits.data, logp.data, offset, stride, classes);
      let loss = 0;
      for (let k = 0; k < classes; k++) loss -= onehot.data[offset + k] * logp.data[offset + k];
      out.data[offset / classes] = loss;
    });
    return out;
  },
  grad: ({ b, node, dy }) => {
    const [logits, onehot] = node.inputs;
    const perRow = withUnitAxis(b, dy);
    const diff = b.emit('sub', [b.emit('softmax', [logits], { axis: -1 }), onehot]);
    const dOnehot = b.emit('neg', [b.emit('mul', [b.emit('logSoftmax', [logits], { axis: -1 }), perRow])]);
    return [b.emit('mul', [diff, perRow]), dOnehot];
  },
};
