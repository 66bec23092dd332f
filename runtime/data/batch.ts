// Copies examples into preallocated batch buffers, so a training step allocates nothing.
// The epoch order is a permutation from the run's seeded Rng (Keras shuffles every epoch).

import type { Rng } from '../../format/rng';
import type { Dataset } from './dataset';
import { inputSize } from './example-size';

/**
 * 'onehot': `classes` floats per example; 'sparse': the class index as one float (which, for
 * binary cross-entropy's two classes, is its 0/1 target: labels [N] the model reads as [N, 1]).
 */
export type LabelMode = 'onehot' | 'sparse';

export function labelWidth(ds: Dataset, mode: LabelMode): number {
  return mode === 'onehot' ? ds.classes : 1;
}

/**
 * Fills `x` and `labels` with examples indices[start .. start+count) of `ds`.
 * Values beyond `count` examples in the buffers are left untouched.
 */
export function fillBatch(
  ds: Dataset, indices: Uint32Array, start: number, count: number,
  x: Float32Array, labels: Float32Array, labelMode: LabelMode,
): void {
  const size = inputSize(ds);
  const width = labelWidth(ds, labelMode);
  checkBatchArgs(ds, indices, start, count, x.length < count * size, labels.length < count * width);
  for (let b = 0; b < count; b++) {
    const example = indices[start + b];
    const from = example * size;
    const to = b * size;
    for (let i = 0; i < size; i++) x[to + i] = ds.x[from + i];
    const label = ds.labels[example];
    if (labelMode === 'sparse') {
      labels[b] = label;
    } else {
      const row = b * width;
      for (let c = 0; c < width; c++) labels[row + c] = 0;
      labels[row + label] = 1;
    }
  }
}

function checkBatchArgs(
  ds: Dataset, indices: Uint32Array, start: number, count: number, xTooSmall: boolean, labelsTooSmall: boolean,
): void {
  if (start < 0 || count < 0 || start + count > indices.length) {
    throw new RangeError(`batch [${start}, ${start + count}) is outside the ${indices.length} indices`);
  }
  if (xTooSmall) throw new RangeError(`input buffer too small for a batch of ${count}`);
  if (labelsTooSmall) throw new RangeError(`label buffer too small for a batch of ${count}`);
  for (let b = start; b < start + count; b++) {
    if (indices[b] >= ds.count) throw new RangeError(`example index ${indices[b]} is outside the dataset of ${ds.count}`);
  }
}

/** Owns one batch's buffers and walks a dataset batch by batch, shuffled or in order. */
export class Batcher {
  readonly x: Float32Array;
  readonly labels: Float32Array;
  readonly batchCount: number;
  private order: Uint32Array;

  constructor(readonly ds: Dataset, readonly batchSize: number, readonly labelMode: LabelMode) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size ${batchSize} must be a positive integer`);
    this.x = new Float32Array(batchSize * inputSize(ds));
    this.labels = new Float32Array(batchSize * labelWidth(ds, labelMode));
    this.batchCount = Math.ceil(ds.count / batchSize);
    this.order = identity(ds.count);
  }

  /** Starts an epoch in a fresh random order (`rng` given) or in dataset order. */
  startEpoch(rng: Rng | null): void {
    this.order = rng === null ? identity(this.ds.count) : rng.permutation(this.ds.count);
  }

  /** Fills the buffers with batch `b` of this epoch; returns how many examples it holds (the last may be short). */
  fill(b: number): number {
    const start = b * this.batchSize;
    const count = Math.min(this.batchSize, this.ds.count - start);
    fillBatch(this.ds, this.order, start, count, this.x, this.labels, this.labelMode);
    return count;
  }
}

function identity(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
