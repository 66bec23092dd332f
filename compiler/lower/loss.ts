// The loss head: per-example loss, its mean over the batch, and regularisation terms.
// A softmax (sigmoid) output with a cross-entropy on probabilities lowers to the from-logits
// op on the activation's input, as Keras 3 does with the logits its activations keep: the
// gradient is softmax - onehot (sigmoid - z), stable. With fromLogits the output itself is
// the logits. Binary cross-entropy reads one 0/1 label per example, fed like a class index.

import type { GraphBuilder } from '../ir/builder';
import type { ModelSpec } from '../dsl/spec';
import type { Node } from '../ir/types';

type Head = (b: GraphBuilder, spec: ModelSpec, out: Node) => number;

/** Mean over every axis but the batch axis of a per-element loss. */
function meanPerExample(b: GraphBuilder, perElement: number): number {
  const rank = b.type(perElement).shape.length;
  const axes = [...Array(rank - 1).keys()].map((k) => k + 1);
  return b.emit('reduceMean', [perElement], { axes, keepDims: false });
}

function regression(op: 'square' | 'abs'): Head {
  return (b, _spec, out) => {
    const labels = b.input('labels', { shape: [...out.type.shape], dtype: 'f32' });
    return meanPerExample(b, b.emit(op, [b.emit('sub', [out.id, labels])]));
  };
}

function categorical(sparse: boolean): Head {
  return (b, spec, out) => {
    const labels = b.input('labels', sparse ? { shape: ['N'], dtype: 'i32' } : { shape: [...out.type.shape], dtype: 'f32' });
    if (out.type.shape.length !== 2) throw new Error(`needs a model output of shape [N,classes], got [${out.type.shape}]`);
    const logits = spec.fromLogits === true ? out.id : out.op === 'softmax' ? out.inputs[0] : null;
    if (logits !== null) return b.emit(sparse ? 'sparseSoftmaxCrossEntropy' : 'softmaxCrossEntropy', [logits, labels]);
    return b.emit(sparse ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy', [out.id, labels]);
  };
}

const binary: Head = (b, spec, out) => {
  const labels = b.input('labels', { shape: ['N'], dtype: 'f32' });
  const shape = out.type.shape;
  if (shape.length !== 2 || shape[1] !== 1) {
    throw new Error(`needs one output unit, a model output of shape [N,1] (e.g. dense({ units: 1, activation: 'sigmoid' })), got [${shape}]`);
  }
  const targets = b.emit('reshape', [labels], { shape: ['N', 1] });
  const logits = spec.fromLogits === true ? out.id : out.op === 'sigmoid' ? out.inputs[0] : null;
  const perElement = logits !== null
    ? b.emit('sigmoidCrossEntropy', [logits, targets])
    : b.emit('binaryCrossentropy', [out.id, targets]);
  return meanPerExample(b, perElement);
};

const HEADS: Readonly<Record<ModelSpec['loss'], Head>> = {
  categoricalCrossentropy: categorical(false),
  sparseCategoricalCrossentropy: categorical(true),
  binaryCrossentropy: binary,
  meanSquaredError: regression('square'),
  meanAbsoluteError: regression('abs'),
};

export function addLoss(b: GraphBuilder, spec: ModelSpec, probs: number): number {
  const perExample = HEADS[spec.loss](b, spec, b.node(probs));
  let loss = b.emit('reduceMean', [perExample], { axes: [0], keepDims: false });
  for (const term of regularizerTerms(b)) loss = b.emit('add', [loss, term]);
  return loss;
}

/** l1 * sum|w| + l2 * sum w^2 for every param that has a regularizer (Keras adds these to the loss). */
function regularizerTerms(b: GraphBuilder): number[] {
  const terms: number[] = [];
  for (const n of b.build().nodes) {
    const reg = n.op === 'param' ? n.attrs.regularizer : undefined;
    if (!reg || typeof reg !== 'object' || Array.isArray(reg)) continue;
    const r = reg as { readonly l1?: unknown; readonly l2?: unknown };
    const all = [...n.type.shape.keys()];
    const weighted = (factor: number, op: 'abs' | 'square'): number => {
      const sum = b.emit('reduceSum', [b.emit(op, [n.id])], { axes: all, keepDims: false });
      return b.emit('mul', [b.emit('constant', [], { value: factor, shape: [] }), sum]);
    };
    if (typeof r.l1 === 'number' && r.l1 !== 0) terms.push(weighted(r.l1, 'abs'));
    if (typeof r.l2 === 'number' && r.l2 !== 0) terms.push(weighted(r.l2, 'square'));
  }
  return terms;
}
