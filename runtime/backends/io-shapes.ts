// Accuracy as Keras counts it, over a batch of model outputs and labels: arg-max accuracy,
// binary accuracy for a one-unit binary classifier, and top-k accuracy.

import type { ModelIO } from '../../format/manifest';

/** Values per example of the model's output (one for a binary classifier, the classes otherwise). */
export function outputWidth(io: ModelIO): number {
  return io.outputShape.reduce((a, b) => a * b, 1);
}

/** The class example `i`'s outputs predict: above the threshold for a binary classifier, else the first arg-max. */
export function predictedClass(probs: ArrayLike<number>, i: number, io: ModelIO): number {
  if (io.threshold !== undefined) return probs[i] > io.threshold ? 1 : 0;
  const width = io.classes;
  let best = 0;
  for (let c = 1; c < width; c++) if (probs[i * width + c] > probs[i * width + best]) best = c;
  return best;
}

/** Example `i`'s class from its labels: the index itself for sparse (and binary) labels, the one-hot row's first maximum otherwise. */
export function labelClass(labels: ArrayLike<number>, i: number, io: ModelIO): number {
  if (io.sparse) return labels[i];
  let label = 0;
  for (let c = 1; c < io.classes; c++) if (labels[i * io.classes + c] > labels[i * io.classes + label]) label = c;
  return label;
}

/** Examples whose predicted class equals the label. */
export function countCorrect(probs: ArrayLike<number>, labels: ArrayLike<number>, batch: number, io: ModelIO): number {
  let correct = 0;
  for (let i = 0; i < batch; i++) if (predictedClass(probs, i, io) === labelClass(labels, i, io)) correct++;
  return correct;
}

/**
 * Examples whose label is among the k highest outputs. As TensorFlow's in_top_k, outputs tied
 * with the label's at the boundary all count as in the top k: a hit is fewer than k outputs
 * strictly above the label's.
 */
export function countTopK(probs: ArrayLike<number>, labels: ArrayLike<number>, batch: number, io: ModelIO, k: number): number {
  const width = io.classes;
  let hits = 0;
  for (let i = 0; i < batch; i++) {
    const label = labelClass(labels, i, io);
    const score = probs[i * width + label];
    let above = 0;
    for (let c = 0; c < width; c++) if (probs[i * width + c] > score) above++;
    if (above < k) hits++;
  }
  return hits;
}

/** A batch's counts for BatchResult: correct, and topK when the model has a top-k metric. */
export function scoreBatch(probs: ArrayLike<number>, labels: ArrayLike<number>, batch: number, io: ModelIO): { correct: number; topK?: number } {
  const correct = countCorrect(probs, labels, batch, io);
  return io.topK === undefined ? { correct } : { correct, topK: countTopK(probs, labels, batch, io, io.topK) };
}

export type BatchScores = ReturnType<typeof scoreBatch>;

/** Nothing counted yet: what addScores starts from. */
export const NO_SCORES: BatchScores = { correct: 0 };

/** The counts of two parts of a batch together. */
export function addScores(a: BatchScores, b: BatchScores): BatchScores {
  const correct = a.correct + b.correct;
  return b.topK === undefined ? { correct } : { correct, topK: (a.topK ?? 0) + b.topK };
}
