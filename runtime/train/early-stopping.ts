// Keras 3's EarlyStopping as a pure step over epoch records, so its whole state (the patience
// counter, the best value and epoch, the epoch it stopped at) fits in a checkpoint and a
// resumed run decides exactly as an uninterrupted one. Epochs here are 1-based, as printed.

import type { EarlyStoppingSpec, MonitorName } from '../../format/spec';
import type { EpochRecord } from '../engine';

export interface EarlyStoppingState {
  /** Epochs watched since the last improvement (Keras' `wait`). */
  readonly wait: number;
  /** The best monitored value so far and its epoch, or null before the first watched epoch. */
  readonly best: number | null;
  readonly bestEpoch: number | null;
  /** The epoch after which training stopped, or null while it goes on. */
  readonly stoppedEpoch: number | null;
}

export const EARLY_STOPPING_START: EarlyStoppingState = { wait: 0, best: null, bestEpoch: null, stoppedEpoch: null };

export interface EarlyStoppingVerdict {
  readonly state: EarlyStoppingState;
  /** This epoch is the new best (its weights are the ones to keep). */
  readonly improved: boolean;
  /** Training stops after this epoch. */
  readonly stop: boolean;
}

/** The monitored value of an epoch; null when the epoch has none (no validation set). */
export function monitorValue(record: EpochRecord, monitor: MonitorName): number | null {
  switch (monitor) {
    case 'loss': return record.loss;
    case 'accuracy': return record.accuracy;
    case 'val_loss': return record.valLoss;
    case 'val_accuracy': return record.valAccuracy;
  }
}

/** Whether a larger value is better: 'max', or 'auto' on an accuracy. */
export function monitorRises(spec: EarlyStoppingSpec): boolean {
  return spec.mode === 'max' || (spec.mode === 'auto' && spec.monitor.endsWith('accuracy'));
}

/** Keras' _is_improvement: beats the reference by more than minDelta in the monitor's direction. */
function isImprovement(spec: EarlyStoppingSpec, value: number, reference: number | null): boolean {
  if (reference === null) return true;
  return monitorRises(spec) ? value - spec.minDelta > reference : value + spec.minDelta < reference;
}

/** Keras' on_epoch_end for 1-based `record.epoch`. */
export function stepEarlyStopping(spec: EarlyStoppingSpec, s: EarlyStoppingState, record: EpochRecord): EarlyStoppingVerdict {
  const current = monitorValue(record, spec.monitor);
  const epoch0 = record.epoch - 1;
  if (current === null || epoch0 < spec.startFromEpoch) return { state: s, improved: false, stop: false };
  const wait = s.wait + 1;
  if (isImprovement(spec, current, s.best)) {
    // The wait restarts only when the value also beats the baseline.
    const beatsBaseline = spec.baseline === null || isImprovement(spec, current, spec.baseline);
    return { state: { ...s, best: current, bestEpoch: record.epoch, wait: beatsBaseline ? 0 : wait }, improved: true, stop: false };
  }
  // (Keras also requires epoch > 0, which always holds here: the first watched epoch improves.)
  const stop = wait >= spec.patience;
  return { state: { ...s, wait, stoppedEpoch: stop ? record.epoch : null }, improved: false, stop };
}

/** `Epoch 7: early stopping (val_loss has not improved on 0.0312 of epoch 4 for 3 epochs)`. */
export function describeStop(spec: EarlyStoppingSpec, s: EarlyStoppingState): string {
  const best = s.best === null ? '' : ` on ${s.best} of epoch ${s.bestEpoch}`;
  return `Epoch ${s.stoppedEpoch}: early stopping (${spec.monitor} has not improved${best} for ${s.wait} epoch${s.wait === 1 ? '' : 's'})`;
}
