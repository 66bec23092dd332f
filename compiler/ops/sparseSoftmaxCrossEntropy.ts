// Cross-entropy from logits with integer labels (i32, the class axis dropped): per row
// -logSoftmax(logits)[label]. Rule: dlogits = (softmax(logits) - oneHot(labels)) * dy;
// labels get none.

import { tensor } from '../ir/tensor';
import type { OpDef } from './op';
import { classIndex, crossEntropyType } from './util/crossEntropy';
import { forEachLane } from './util/evaluate';
import { withUnitAxis } from './util/gradient';
import { logSoftmaxLane } from './util/softmax';

export const sparseSoftmaxCrossEntropy: OpDef = {
  name: 'sparseSoftmaxCrossEntropy',
  kind: 'opaque',
  arity: 2,
  inferType: (inputs) => crossEntropyType('sparseSoftmaxCrossEntropy', inputs, 'sparse'),
  evaluate([logits, labels], _attrs, ctx) {
    const logp = tensor(logits.shape);
    const out = tensor(ctx.outShape);
    forEachLane(logits.shape, logits.shape.length - 1, (offset, stride, classes) => {
      logSoftmaxLane(logits.data, logp.data, offset, stride, classes);
      const row = offset / classes;
      out.data[row] = -logp.data[offset + classIndex('sparseSoftmaxCrossEntropy', labels.data[row], classes)];
    });
    return out;
  },
  grad: ({ b, node, dy }) => {
    const [logits, labels] = node.inputs;
    const shape = b.type(logits).shape;
    const onehot = b.emit('oneHot', [labels], { depth: shape[shape.length - 1] });
    const diff = b.emit('sub', [b.emit('softmax', [logits], { axis: -1 }), onehot]);
    return [b.emit('mul', [diff, withUnitAxis(b, dy)]), null];
  },
};
