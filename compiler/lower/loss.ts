// The loss head: per-example loss, its mean over the batch, and regularisation terms.
// Softmax followed by (sparse) categorical cross-entropy lowers to the fused-from-logits
// op, whose gradient is softmax - onehot: stable, and what Keras computes internally.

import type { GraphBuilder } from '../ir/builder';
import type { ModelSpec } from '../dsl/spec';

export function addLoss(b: GraphBuilder, spec: ModelSpec, probs: number): number {
  const out = b.node(probs);
  const sparse = spec.loss === 'sparseCategoricalCrossentropy';
  const labels = b.input('labels', sparse ? { shape: ['N'], dtype: 'i32' } : { shape: [...out.type.shape], dtype: 'f32' });
  if (out.type.shape.length !== 2 && spec.loss !== 'meanSquaredError') {
    throw new Error(`needs a model output of shape [N,classes], got [${out.type.shape}]`);
  }
  let perExample: number;
  const fromLogits = out.op === 'softmax';
  if (spec.loss === 'meanSquaredError') {
    const sq = b.emit('square', [b.emit('sub', [probs, labels])]);
    const axes = [...Array(out.type.shape.length - 1).keys()].map((k) => k + 1);
    perExample = b.emit('reduceMean', [sq], { axes, keepDims: false });
  } else if (fromLogits) {
    perExample = b.emit(sparse ? 'sparseSoftmaxCrossEntropy' : 'softmaxCrossEntropy', [out.inputs[0], labels]);
  } else {
    perExample = b.emit(sparse ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy', [probs, labels]);
  }
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
