// fit's callbacks, as TF.js passes them (`fit: { callbacks: [earlyStopping({...})] }`), with
// Keras 3's options and defaults. The training loop runs them (runtime/train/early-stopping.ts).

import type { CallbackSpec, EarlyStoppingSpec, MonitorName } from './spec';
import { optional, readOptions, required } from './options';
import { at, bool, fail, failWith, finiteNumber, nonNegativeInt, oneOf, type Ctx, type Parser } from './validate';

export interface EarlyStoppingOptions {
  /** The epoch value watched: 'val_loss' (default), 'val_accuracy', 'loss' or 'accuracy'. */
  monitor?: MonitorName;
  /** A change smaller than this is no improvement. */
  minDelta?: number;
  /** Epochs without improvement before training stops. */
  patience?: number;
  /** 'min', 'max', or 'auto' (accuracies rise, losses fall). */
  mode?: 'auto' | 'min' | 'max';
  /** Training also stops when the monitored value never beats this. */
  baseline?: number;
  /** At the end of training, go back to the weights of the best epoch. */
  restoreBestWeights?: boolean;
  /** Epochs (0-based) before this one are not watched. */
  startFromEpoch?: number;
}

export const MONITORS: readonly MonitorName[] = ['val_loss', 'val_accuracy', 'loss', 'accuracy'];
const KEYS = ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch'];

function readEarlyStopping(raw: unknown, ctx: Ctx, keys: readonly string[]): EarlyStoppingSpec {
  const o = readOptions(raw, ctx, keys);
  return {
    kind: 'earlyStopping',
    monitor: optional(o, 'monitor', oneOf(MONITORS), 'val_loss'),
    // Keras takes the magnitude: the mode gives the direction.
    minDelta: Math.abs(optional(o, 'minDelta', finiteNumber, 0)),
    patience: optional(o, 'patience', nonNegativeInt, 0),
    mode: optional(o, 'mode', oneOf(['auto', 'min', 'max'] as const), 'auto'),
    baseline: optional<number | null>(o, 'baseline', (v, c) => (v === null ? null : finiteNumber(v, c)), null),
    restoreBestWeights: optional(o, 'restoreBestWeights', bool, false),
    startFromEpoch: optional(o, 'startFromEpoch', nonNegativeInt, 0),
  };
}

/** Stops training when the monitored value has not improved for `patience` epochs (Keras' EarlyStopping). */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStoppingSpec {
  return readEarlyStopping(options, { fn: 'earlyStopping', path: [] }, KEYS);
}

/** fit.callbacks: spec objects as earlyStopping() returns, at most one of each kind. */
export const callbackList: Parser<readonly CallbackSpec[]> = (v, ctx) => {
  if (!Array.isArray(v)) return fail(ctx, 'an array of callbacks ([earlyStopping({ ... })])', v);
  const list = v.map((item: unknown, i) => {
    const c = at(ctx, i);
    const o = readOptions(item, c, ['kind', ...KEYS]);
    required(o, 'kind', (k, kc) => (k === 'earlyStopping' ? k : fail(kc, "'earlyStopping' (use earlyStopping())", k)));
    return readEarlyStopping(item, c, ['kind', ...KEYS]);
  });
  if (list.length > 1) failWith(at(ctx, 1), 'repeats earlyStopping (give one)');
  return list;
};
