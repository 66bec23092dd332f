// Checks that a data set fits an engine before the first step, so a mismatch is one clear
// line instead of a bad read deep inside a kernel.

import type { Engine } from '../engine';
import type { Dataset } from '../data/dataset';
import { inputSize } from '../data/example-size';
import { type LabelMode, labelWidth } from '../data/batch';
import { TrainingError } from './errors';

export function checkEngineInput(engine: Engine, ds: Dataset): void {
  const size = inputSize(ds);
  if (size !== engine.inputSize) {
    throw new TrainingError(
      `the model takes ${engine.inputSize} values per example but the data's examples are [${ds.inputShape.join(', ')}] (${size} values)`,
    );
  }
}

export function checkEngineFits(engine: Engine, ds: Dataset, labelMode: LabelMode): void {
  checkEngineInput(engine, ds);
  const width = labelWidth(ds, labelMode);
  if (width !== engine.labelSize) {
    throw new TrainingError(
      `the model expects ${engine.labelSize} label values per example but ${labelMode} labels of ${ds.classes} classes give ${width}`,
    );
  }
}

export function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TrainingError(`batch size ${batchSize} must be a positive integer`);
  }
}

/**
 * The label encoding a loss reads: sparse losses take class indices, binary cross-entropy its
 * 0/1 target (the index of class 0 or 1, one float per example), the others one-hot rows.
 */
export function labelModeForLoss(loss: string): LabelMode {
  return loss.startsWith('sparse') || loss === 'binaryCrossentropy' ? 'sparse' : 'onehot';
}
