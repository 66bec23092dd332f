// Shared by the four cross-entropy ops: classes on the last axis, one loss per row.
// Dense targets have the scores' shape (f32); sparse labels drop the class axis (i32).

import type { TensorType } from '../../ir/types';
import { formatShape, sameShape } from '../../ir/types';
import { expectArity, expectDtype, f32, fail } from './check';

export type TargetKind = 'dense' | 'sparse';

export function crossEntropyType(op: string, inputs: readonly TensorType[], target: TargetKind): TensorType {
  expectArity(op, inputs, 2);
  const [scores, labels] = inputs;
  expectDtype(op, scores, 'f32', 'input 0');
  const rank = scores.shape.length;
  if (rank < 1 || typeof scores.shape[rank - 1] !== 'number') fail(op, `scores ${formatShape(scores.shape)} need a numeric class axis last`);
  const perRow = scores.shape.slice(0, -1);
  if (target === 'dense') {
    expectDtype(op, labels, 'f32', 'input 1');
    if (!sameShape(labels.shape, scores.shape)) fail(op, `targets ${formatShape(labels.shape)} differ from scores ${formatShape(scores.shape)}`);
  } else {
    expectDtype(op, labels, 'i32', 'input 1');
    if (!sameShape(labels.shape, perRow)) fail(op, `labels ${formatShape(labels.shape)} should be ${formatShape(perRow)} for scores ${formatShape(scores.shape)}`);
  }
  return f32(perRow);
}

/** Checks a sparse label at evaluation time: an integer class index. */
export function classIndex(op: string, label: number, classes: number): number {
  if (!Number.isInteger(label) || label < 0 || label >= classes) fail(op, `label ${label} is not a class index in [0, ${classes})`);
  return label;
}

/** Keras's epsilon: probabilities are clipped to [EPSILON, 1 - EPSILON] before the log. */
export const EPSILON = 1e-7;

/** -sum_k target_k log(clip(p_k / sum(p))) of one row: Keras's categorical cross-entropy. */
export function kerasRowLoss(probs: Float64Array, targetAt: (k: number) => number, offset: number, classes: number): number {
  let total = 0;
  for (let k = 0; k < classes; k++) total += probs[offset + k];
  let loss = 0;
  for (let k = 0; k < classes; k++) {
    const t = targetAt(k);
    if (t === 0) continue;
    const p = Math.min(Math.max(probs[offset + k] / total, EPSILON), 1 - EPSILON);
    loss -= t * Math.log(p);
  }
  return loss;
}
