// The confusion matrix of a classifier on the test set as a vega-lite heat map: actual class
// down, predicted class across, each cell's count written in it.

import type { TopLevelSpec } from 'vega-lite/build/index';
import type { ConfusionMatrix } from '../train/confusion';
import type { Chart } from './charts';

/** The chart of `m` for model `model`; `stem` is its file-name stem. */
export function confusionChart(model: string, stem: string, m: ConfusionMatrix): Chart {
  const k = m.classes;
  const values: { actual: number; predicted: number; count: number }[] = [];
  for (let a = 0; a < k; a++) for (let p = 0; p < k; p++) values.push({ actual: a, predicted: p, count: m.counts[a * k + p] });
  const max = Math.max(1, ...values.map((v) => v.count));
  const side = Math.min(640, Math.max(160, 36 * k));
  const title = `${model} confusion matrix (test set)`;
  const spec: TopLevelSpec = {
    title,
    width: side,
    height: side,
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', title: 'Predicted class', axis: { labelAngle: 0 } },
      y: { field: 'actual', type: 'ordinal', title: 'Actual class' },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', title: 'Examples', scale: { scheme: 'blues', domain: [0, max] } } } },
      {
        mark: { type: 'text', fontSize: k > 20 ? 7 : 11 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
  return { id: `${stem}-confusion`, title, spec };
}
