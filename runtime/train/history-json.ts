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
    seconds_per_epoch: e.map((r) => r.seconds),
    ...(test === null ? {} : { test }),
  };
}

/** Mean seconds per epoch of a run, 0 before the first epoch. */
export function meanSecondsPerEpoch(history: History): number {
  const e = history.epochs;
  return e.length === 0 ? 0 : e.reduce((sum, r) => sum + r.seconds, 0) / e.length;
}
