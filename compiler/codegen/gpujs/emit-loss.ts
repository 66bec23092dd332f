// oneHot and the cross-entropies: one loss per row, classes on the last axis. Labels arrive
// as floats holding whole numbers.

import { strides } from '../../ir/tensor';
import { EPSILON } from '../../ops/util/crossEntropy';
import type { EmitArgs, GpuTensorArg } from './kernel';
import { broadcastIndex, linearIndex } from './layout';
import { logNormaliser } from './emit-softmax';
import { renderNumber } from './render-scalar';
import type { SourceWriter } from './writer';

/** onehot[..., k] = labels[...] === k ? 1 : 0 (a label out of range gives a row of zeros). */
export function emitOneHot({ w, inputs: [labels], coords }: EmitArgs): string {
  const label = w.fresh('lab');
  w.line(`const ${label} = ${labels.name}[${broadcastIndex(coords.slice(0, -1), labels.shape)}];`);
  return `(${label} === ${coords[coords.length - 1]} ? 1 : 0)`;
}

/** Flat index of the first class of this output row in the scores. */
function rowBase(w: SourceWriter, scores: GpuTensorArg, coords: readonly string[]): string {
  const s = strides(scores.shape);
  const base = w.fresh('b');
  w.line(`const ${base} = ${linearIndex(coords.map((c, d) => [c, s[d]] as const))};`);
  return base;
}

function classCount(scores: GpuTensorArg): number {
  return scores.shape[scores.shape.length - 1];
}

/** Declares and returns max + log(sum(exp(x - max))) over the row. */
function rowLogNormaliser(w: SourceWriter, logits: GpuTensorArg, base: string): string {
  return logNormaliser(w, logits, { base, stride: 1, length: classCount(logits) });
}

/** -sum_k onehot_k * (logit_k - lse) per row. */
export function emitSoftmaxCrossEntropy({ w, inputs: [logits, onehot], coords }: EmitArgs): string {
  const base = rowBase(w, logits, coords);
  const lse = rowLogNormaliser(w, logits, base);
  const loss = w.fresh('l');
  w.line(`let ${loss} = 0;`);
  w.loop('k', classCount(logits), (k) => {
    w.line(`${loss} -= ${onehot.name}[${base} + ${k}] * (${logits.name}[${base} + ${k}] - ${lse});`);
  });
  return loss;
}

/** -logSoftmax(logits)[label] per row. */
export function emitSparseSoftmaxCrossEntropy({ w, inputs: [logits, labels], coords }: EmitArgs): string {
  const base = rowBase(w, logits, coords);
  const lse = rowLogNormaliser(w, logits, base);
  const label = `${labels.name}[${broadcastIndex(coords, labels.shape)}]`;
  return `${lse} - ${logits.name}[${base} + ${label}]`;
}

/** Keras: log of p / sum(p), clipped to [EPSILON, 1 - EPSILON]. */
function clippedLog(p: string, total: string): string {
  return `Math.log(Math.min(Math.max(${p} / ${total}, ${renderNumber(EPSILON)}), ${renderNumber(1 - EPSILON)}))`;
}

function rowTotal(w: SourceWriter, probs: GpuTensorArg, base: string): string {
  const total = w.fresh('tot');
  w.line(`let ${total} = 0;`);
  w.loop('k', classCount(probs), (k) => w.line(`${total} += ${probs.name}[${base} + ${k}];`));
  return total;
}

/** -sum_k onehot_k * log(clip(p_k / sum(p))) per row, as Keras. */
export function emitCategoricalCrossentropy({ w, inputs: [probs, onehot], coords }: EmitArgs): string {
  const base = rowBase(w, probs, coords);
  const total = rowTotal(w, probs, base);
  const loss = w.fresh('l');
  w.line(`let ${loss} = 0;`);
  w.loop('k', classCount(probs), (k) => {
    w.line(`${loss} -= ${onehot.name}[${base} + ${k}] * ${clippedLog(`${probs.name}[${base} + ${k}]`, total)};`);
  });
  return loss;
}

/** -log(clip(p_label / sum(p))) per row. */
export function emitSparseCategoricalCrossentropy({ w, inputs: [probs, labels], coords }: EmitArgs): string {
  const base = rowBase(w, probs, coords);
  const total = rowTotal(w, probs, base);
  const label = `${labels.name}[${broadcastIndex(coords, labels.shape)}]`;
  return `-${clippedLog(`${probs.name}[${base} + ${label}]`, total)}`;
}
