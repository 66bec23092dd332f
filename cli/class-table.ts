// `nnc eval`'s per-class table: precision, recall and support per class, then the macro
// averages, aligned as scikit-learn's classification_report prints them.

import type { ModelIO } from '../format/manifest';
import type { Evaluation } from '../runtime/train/evaluate';
import { classReport, type ClassReport, type ConfusionMatrix } from '../runtime/train/confusion';

export function formatClassReport(r: ClassReport): string {
  const rows: string[][] = [['class', 'precision', 'recall', 'support']];
  r.perClass.forEach((s, c) => rows.push([String(c), s.precision.toFixed(4), s.recall.toFixed(4), String(s.support)]));
  rows.push(['macro avg', r.macro.precision.toFixed(4), r.macro.recall.toFixed(4), String(r.count)]);
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  const line = (row: string[]): string => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
  return rows.map(line).join('\n') + '\n';
}

/** What `nnc eval` prints after the loss and accuracy of a classifier: top-k accuracy, then the per-class table (nothing without a confusion matrix). */
export function classificationSummary(confusion: ConfusionMatrix | null, io: ModelIO, result: Evaluation): string {
  if (confusion === null) return '';
  const topK = result.topKAccuracy === undefined || io.topK === undefined ? '' : `Test top-${io.topK} accuracy: ${result.topKAccuracy}\n`;
  return topK + formatClassReport(classReport(confusion));
}
