// The training curves as vega-lite specs, as the seed's matplotlib plots draw them: per model,
// training vs validation accuracy and loss by epoch; across models, the validation curves
// overlaid. Rendering goes vega-lite -> vega -> SVG (headless), and SVG -> PNG through resvg.

import type { TopLevelSpec } from 'vega-lite/build/index';
import type { History } from '../engine';
import { loadVega, loadVegaLite } from './esm';

export type { TopLevelSpec };
export { svgToPng } from './png';

export interface Chart {
  /** File-name stem, e.g. `mnist-prelu-accuracy`. */
  readonly id: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

type Metric = 'accuracy' | 'loss';

interface Point {
  readonly epoch: number;
  readonly series: string;
  readonly value: number;
}

const AXIS_TITLE: Readonly<Record<Metric, string>> = { accuracy: 'Accuracy', loss: 'Loss value' };
const PER_MODEL_TITLE: Readonly<Record<Metric, string>> = {
  accuracy: 'training / validation accuracies',
  loss: 'training / validation loss values',
};

function lineChart(title: string, metric: Metric, points: readonly Point[], seriesTitle: string | null, order: readonly string[]): TopLevelSpec {
  return {
    title,
    width: 480,
    height: 300,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'value', type: 'quantitative', title: AXIS_TITLE[metric], scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: seriesTitle, sort: [...order] },
    },
  };
}

/** Training vs validation accuracy (or loss) of one model, by epoch. */
export function modelChart(history: History, metric: Metric): Chart {
  const trainLabel = metric === 'accuracy' ? 'Training accuracy' : 'Training loss';
  const valLabel = metric === 'accuracy' ? 'Validation accuracy' : 'Validation loss';
  const points: Point[] = [];
  for (const r of history.epochs) {
    points.push({ epoch: r.epoch, series: trainLabel, value: metric === 'accuracy' ? r.accuracy : r.loss });
    const val = metric === 'accuracy' ? r.valAccuracy : r.valLoss;
    if (val !== null) points.push({ epoch: r.epoch, series: valLabel, value: val });
  }
  const title = `${history.model} ${PER_MODEL_TITLE[metric]}`;
  return { id: `${fileStem(history.model)}-${metric}`, title, spec: lineChart(title, metric, points, null, [trainLabel, valLabel]) };
}

/**
 * The validation accuracy (or loss) of every model on one chart. Runs without validation
 * data are left out; when no run has any, the training curves are overlaid instead.
 */
export function overlayChart(histories: readonly History[], metric: Metric): Chart {
  const hasValidation = histories.some((h) => h.epochs.some((r) => r.valLoss !== null));
  const which = hasValidation ? 'validation' : 'training';
  const points: Point[] = [];
  for (const h of histories) {
    for (const r of h.epochs) {
      const value = hasValidation
        ? (metric === 'accuracy' ? r.valAccuracy : r.valLoss)
        : (metric === 'accuracy' ? r.accuracy : r.loss);
      if (value !== null) points.push({ epoch: r.epoch, series: h.model, value });
    }
  }
  const label = metric === 'accuracy' ? 'accuracy' : 'loss';
  const title = `${which === 'validation' ? 'Validation' : 'Training'} ${label} of all models`;
  return { id: `${which}-${metric}`, title, spec: lineChart(title, metric, points, 'Model', histories.map((h) => h.model)) };
}

/** Every chart of a report: per model accuracy and loss, then `extra` (confusion matrices), then the overlays; ids made unique. */
export function reportCharts(histories: readonly History[], extra: readonly Chart[] = []): Chart[] {
  const perModel = histories.flatMap((h) => [modelChart(h, 'accuracy'), modelChart(h, 'loss')]);
  const charts = [...perModel, ...extra, overlayChart(histories, 'accuracy'), overlayChart(histories, 'loss')];
  const used = new Set<string>();
  return charts.map((chart) => {
    let id = chart.id;
    for (let n = 2; used.has(id); n++) id = `${chart.id}-${n}`;
    used.add(id);
    return { ...chart, id };
  });
}

/** A model name reduced to characters that are safe in a file name on every system. */
export function fileStem(name: string): string {
  const stem = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return stem === '' ? 'model' : stem;
}

/** vega-lite -> vega -> SVG text, headless (renderer 'none': no canvas, no DOM). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([loadVega(), loadVegaLite()]);
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
