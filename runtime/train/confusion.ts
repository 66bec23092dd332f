// A classifier's confusion matrix over a data set and the per-class precision and recall read
// off it (scikit-learn's classification_report: a class never predicted has precision 0, one
// never present recall 0, and the macro average is the plain mean over classes).

import type { ModelIO } from '../../format/manifest';
import type { Dataset } from '../data/dataset';
import type { LabelMode } from '../data/batch';
import type { Engine } from '../engine';
import { outputWidth, predictedClass } from '../backends/io-shapes';
import { evaluate, type Evaluation } from './evaluate';

export interface ConfusionMatrix {
  readonly classes: number;
  /** counts[actual * classes + predicted] */
  readonly counts: Uint32Array;
}

export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  /** Examples of the class in the data. */
  readonly support: number;
}

export interface ClassReport {
  readonly perClass: readonly ClassScores[];
  readonly macro: { readonly precision: number; readonly recall: number };
  readonly accuracy: number;
  readonly count: number;
}

/** The matrix of `outputs` (the model's outputs for every example of `ds`, in order) against ds's labels. */
export function confusionMatrix(outputs: Float32Array, ds: Dataset, io: ModelIO): ConfusionMatrix {
  const classes = io.classes;
  const width = outputWidth(io);
  if (outputs.length !== ds.count * width) throw new RangeError(`${outputs.length} outputs for ${ds.count} examples of ${width} values`);
  const counts = new Uint32Array(classes * classes);
  for (let i = 0; i < ds.count; i++) {
    const actual = ds.labels[i];
    if (actual >= classes) throw new RangeError(`label ${actual} of example ${i} is not one of ${classes} classes`);
    counts[actual * classes + predictedClass(outputs, i, io)]++;
  }
  return { classes, counts };
}

export function classReport(m: ConfusionMatrix): ClassReport {
  const k = m.classes;
  const perClass: ClassScores[] = [];
  let hits = 0;
  let count = 0;
  for (let c = 0; c < k; c++) {
    let predicted = 0;
    let support = 0;
    for (let o = 0; o < k; o++) {
      predicted += m.counts[o * k + c];
      support += m.counts[c * k + o];
    }
    const tp = m.counts[c * k + c];
    hits += tp;
    count += support;
    perClass.push({ precision: predicted === 0 ? 0 : tp / predicted, recall: support === 0 ? 0 : tp / support, support });
  }
  const mean = (f: (s: ClassScores) => number): number => perClass.reduce((a, s) => a + f(s), 0) / k;
  return { perClass, macro: { precision: mean((s) => s.precision), recall: mean((s) => s.recall) }, accuracy: count === 0 ? 0 : hits / count, count };
}

/** The losses of classifiers, whose outputs name a class (the cross-entropies). */
export function isClassifierLoss(loss: string): boolean {
  return loss.endsWith('Crossentropy');
}

/**
 * Evaluates `ds` in one pass; for a classifier (`loss` a cross-entropy) the same pass's outputs
 * give the confusion matrix, else it is null.
 */
export function evaluateWithConfusion(
  engine: Engine, ds: Dataset, batchSize: number, labelMode: LabelMode, loss: string, io: ModelIO,
): { evaluation: Evaluation; confusion: ConfusionMatrix | null } {
  const outputs = isClassifierLoss(loss) ? new Float32Array(ds.count * outputWidth(io)) : undefined;
  const evaluation = evaluate(engine, ds, batchSize, labelMode, outputs);
  return { evaluation, confusion: outputs === undefined ? null : confusionMatrix(outputs, ds, io) };
}
