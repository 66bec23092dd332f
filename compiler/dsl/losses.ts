// Losses with options and metrics beyond accuracy, named as TensorFlow.js names them. A loss
// is a name ('categoricalCrossentropy') or a call (categoricalCrossentropy({ fromLogits: true })),
// as Keras takes a string or a loss object; the model's spec keeps the name and `fromLogits`.

import type { LossName, LossSpec, MetricSpec, TopKMetricSpec } from './spec';
import { optional, readOptions, required } from './options';
import { at, bool, fail, failWith, oneOf, positiveInt, type Ctx, type Parser } from './validate';

export interface CrossentropyOptions {
  /** The model's output is raw scores (logits) rather than probabilities (default false). */
  fromLogits?: boolean;
}

export interface TopKOptions {
  /** How many of the highest outputs may hold the label (default 5, as Keras). */
  k?: number;
}

export const LOSS_NAMES: readonly LossName[] = [
  'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError', 'meanAbsoluteError',
];
const CROSSENTROPIES: readonly LossName[] = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy'];

export function isCrossentropy(loss: LossName): boolean {
  return CROSSENTROPIES.includes(loss);
}

function crossentropy(kind: LossName, fn: string, options: CrossentropyOptions): LossSpec {
  const o = readOptions(options, { fn, path: [] }, ['fromLogits']);
  return { kind, fromLogits: optional(o, 'fromLogits', bool, false) };
}

/** Keras' CategoricalCrossentropy: one-hot labels. */
export function categoricalCrossentropy(options: CrossentropyOptions = {}): LossSpec {
  return crossentropy('categoricalCrossentropy', 'categoricalCrossentropy', options);
}

/** Keras' SparseCategoricalCrossentropy: class-index labels. */
export function sparseCategoricalCrossentropy(options: CrossentropyOptions = {}): LossSpec {
  return crossentropy('sparseCategoricalCrossentropy', 'sparseCategoricalCrossentropy', options);
}

/** Keras' BinaryCrossentropy: one output unit (a sigmoid, or logits with fromLogits), labels 0 or 1. */
export function binaryCrossentropy(options: CrossentropyOptions = {}): LossSpec {
  return crossentropy('binaryCrossentropy', 'binaryCrossentropy', options);
}

/** The model's `loss` and `fromLogits`: a name, or a spec object as the calls above return. */
export function readLoss(value: unknown, ctx: Ctx): { readonly loss: LossName; readonly fromLogits: boolean | null } {
  if (typeof value === 'string') return { loss: oneOf(LOSS_NAMES)(value, ctx), fromLogits: null };
  if (typeof value !== 'object' || value === null) return fail(ctx, `a loss name (one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}) or a call such as categoricalCrossentropy({ fromLogits: true })`, value);
  const o = readOptions(value, ctx, ['kind', 'fromLogits']);
  const loss = required(o, 'kind', oneOf(LOSS_NAMES));
  const fromLogits = optional<boolean | null>(o, 'fromLogits', bool, null);
  if (fromLogits !== null && !isCrossentropy(loss)) failWith(at(ctx, 'fromLogits'), `applies to the cross-entropy losses only, not ${loss}`);
  return { loss, fromLogits };
}

/** Keras' TopKCategoricalAccuracy: one-hot labels (categoricalCrossentropy). */
export function topKCategoricalAccuracy(options: TopKOptions = {}): TopKMetricSpec {
  return readTopK('topKCategoricalAccuracy', options, { fn: 'topKCategoricalAccuracy', path: [] });
}

/** Keras' SparseTopKCategoricalAccuracy: class-index labels (sparseCategoricalCrossentropy). */
export function sparseTopKCategoricalAccuracy(options: TopKOptions = {}): TopKMetricSpec {
  return readTopK('sparseTopKCategoricalAccuracy', options, { fn: 'sparseTopKCategoricalAccuracy', path: [] });
}

function readTopK(kind: TopKMetricSpec['kind'], raw: unknown, ctx: Ctx, keys: readonly string[] = ['k']): TopKMetricSpec {
  const o = readOptions(raw, ctx, keys);
  return { kind, k: optional(o, 'k', positiveInt, 5) };
}

const METRIC_NAMES = ['accuracy', 'topKCategoricalAccuracy', 'sparseTopKCategoricalAccuracy'] as const;
/** The loss each top-k metric's labels come from. */
const TOP_K_LOSS: Readonly<Record<TopKMetricSpec['kind'], LossName>> = {
  topKCategoricalAccuracy: 'categoricalCrossentropy',
  sparseTopKCategoricalAccuracy: 'sparseCategoricalCrossentropy',
};

const metric: Parser<MetricSpec> = (v, ctx) => {
  if (v === 'accuracy') return v;
  if (typeof v === 'string') {
    const name = oneOf(METRIC_NAMES)(v, ctx);
    return readTopK(name as TopKMetricSpec['kind'], {}, ctx);
  }
  const o = readOptions(v, ctx, ['kind', 'k']);
  const kind = required(o, 'kind', oneOf(['topKCategoricalAccuracy', 'sparseTopKCategoricalAccuracy'] as const));
  return readTopK(kind, v, ctx, ['kind', 'k']);
};

/** The model's metrics: each at most once, a top-k metric only with the loss whose labels it reads. */
export function readMetrics(v: unknown, ctx: Ctx, loss: LossName): readonly MetricSpec[] {
  if (!Array.isArray(v)) return fail(ctx, "an array of metrics (e.g. ['accuracy', 'topKCategoricalAccuracy'])", v);
  const metrics = v.map((m: unknown, i) => metric(m, at(ctx, i)));
  const seen = new Set<string>();
  metrics.forEach((m, i) => {
    const name = typeof m === 'string' ? m : m.kind;
    if (seen.has(name)) failWith(at(ctx, i), `repeats '${name}'`);
    seen.add(name);
    if (typeof m !== 'string' && TOP_K_LOSS[m.kind] !== loss) {
      failWith(at(ctx, i), `${m.kind} reads the labels of ${TOP_K_LOSS[m.kind]}, but the loss is ${loss}`);
    }
  });
  return metrics;
}
