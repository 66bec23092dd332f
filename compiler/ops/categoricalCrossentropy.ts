// Keras's categorical cross-entropy on probabilities, one value per row: the row is
// divided by its sum, clipped to [1e-7, 1 - 1e-7], then -sum(onehot * log(p)).

import { tensor } from '../ir/tensor';
import type { OpDef } from './op';
import { crossEntropyType, kerasRowLoss } from './util/crossEntropy';
import { kerasCrossEntropyGrad } from './util/kerasCrossEntropyGrad';

export const categoricalCrossentropy: OpDef = {
  name: 'categoricalCrossentropy',
  kind: 'opaque',
  arity: 2,
  inferType: (inputs) => crossEntropyType('categoricalCrossentropy', inputs, 'dense'),
  evaluate([probs, onehot], _attrs, ctx) {
    const classes = probs.shape[probs.shape.length - 1];
    const out = tensor(ctx.outShape);
    for (let row = 0; row < out.data.length; row++) {
      const offset = row * classes;
      out.data[row] = kerasRowLoss(probs.data, (k) => onehot.data[offset + k], offset, classes);
    }
    return out;
  },
  grad: ({ b, node, dy }) => {
    const [probs, onehot] = node.inputs;
    const { dprobs, dtargets } = kerasCrossEntropyGrad(b, probs, onehot, dy);
    return [dprobs, dtargets];
  },
};
