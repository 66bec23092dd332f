// history.json as Keras' History.history reads: one array per metric, indexed by epoch,
// plus the seconds each epoch took and, once the run is over, the test-set result.

import type { History } from '../engine';
import type { Evaluation } from './evaluate';

export interface KerasHistoryJson {
  readonly model: string;
  readonly epoch: number[];
  readonly loss: number[];
  readonly accuracy: number[];
  /** Present when the run validated. */
  readonly val_loss?: (number | null)[];
  readonly val_accuracy?: (number | null)[];
  /** Present with a top-k metric (Keras' name for it; the sparse form's is prefixed sparse_). */
  readonly top_k_categorical_accuracy?: number[];
  readonly val_top_k_categorical_accuracy?: (number | null)[];
  readonly seconds_per_epoch: number[];
  readonly test?: Evaluation;
}

export function kerasHistory(history: History, test: Evaluation | null): KerasHistoryJson {
  const e = history.epochs;
  const validated = e.some((r) => r.valLoss !== null);
  return {
    model: history.model,
    epoch: e.map((r) => r.epoch),
    loss: e.map((r) => r.loss),
    accuracy: e.map((r) => r.accuracy),
    ...(validated ? { val_loss: e.map((r) => r.valLoss), val_accuracy: e.map((r) => r.valAccuracy) } : {}),
    ...(e.length > 0 && e.every((r) => r.topKAccuracy !== undefined) ? topKHistory(history, validated) : {}),
    seconds_per_epoch: e.map((r) => r.seconds),
    ...(test === null ? {} : { test }),
  };
}

function topKHistory(history: History, validated: boolean): Pick<KerasHistoryJson, 'top_k_categorical_accuracy' | 'val_top_k_categorical_accuracy'> {
  const e = history.epochs;
  return {
    top_k_categorical_accuracy: e.map((r) => r.topKAccuracy ?? 0),
    ...(validated ? { val_top_k_categorical_accuracy: e.map((r) => r.valTopKAccuracy ?? null) } : {}),
  };
}

/** Mean seconds per epoch of a run, 0 before the first epoch. */
export function meanSecondsPerEpoch(history: History): number {
  const e = history.epochs;
  return e.length === 0 ? 0 : e.reduce((sum, r) => sum + r.seconds, 0) / e.length;
}
