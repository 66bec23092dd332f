// Keras 3's sparse categorical cross-entropy on probabilities with integer labels: the
// dense version against oneHot(labels) (row divided by its sum, clipped, -log p[label]).

import { tensor } from '../ir/tensor';
import type { OpDef } from './op';
import { classIndex, crossEntropyType, kerasRowLoss } from './util/crossEntropy';
import { kerasCrossEntropyGrad } from './util/kerasCrossEntropyGrad';

export const sparseCategoricalCrossentropy: OpDef = {
  name: 'sparseCategoricalCrossentropy',
  kind: 'opaque',
  arity: 2,
  inferType: (inputs) => crossEntropyType('sparseCategoricalCrossentropy', inputs, 'sparse'),
  evaluate([probs, labels], _attrs, ctx) {
    const classes = probs.shape[probs.shape.length - 1];
    const out = tensor(ctx.outShape);
    for (let row = 0; row < out.data.length; row++) {
      const label = classIndex('sparseCategoricalCrossentropy', labels.data[row], classes);
      out.data[row] = kerasRowLoss(probs.data, (k) => (k === label ? 1 : 0), row * classes, classes);
    }
    return out;
  },
  grad: ({ b, node, dy }) => {
    const [probs, labels] = node.inputs;
    const shape = b.type(probs).shape;
    const onehot = b.emit('oneHot', [labels], { depth: shape[shape.length - 1] });
    return [kerasCrossEntropyGrad(b, probs, onehot, dy).dprobs, null];
  },
};
