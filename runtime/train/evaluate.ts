// Inference over a whole data set in batches (Keras' evaluate / predict): no dropout, no
// update. Loss and accuracy are means over examples, each batch weighted by its size.

import type { Engine } from '../engine';
import type { Dataset } from '../data/dataset';
import { Batcher, type LabelMode } from '../data/batch';
import { SizedView } from './batch-views';
import { checkBatchSize, checkEngineFits, checkEngineInput } from './compatibility';
import { TrainingError } from './errors';

export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
  /** With a top-k metric: the fraction of examples whose label is among the k highest outputs. */
  readonly topKAccuracy?: number;
}

/** Owns the batch buffers for one data set, so evaluating it every epoch allocates nothing per step. */
export class DatasetEvaluator {
  private readonly batcher: Batcher;
  private readonly xView: SizedView;
  private readonly labelView: SizedView;

  constructor(private readonly engine: Engine, readonly ds: Dataset, batchSize: number, labelMode: LabelMode) {
    checkBatchSize(batchSize);
    checkEngineFits(engine, ds, labelMode);
    if (ds.count === 0) throw new TrainingError('cannot evaluate an empty data set');
    this.batcher = new Batcher(ds, batchSize, labelMode);
    this.xView = new SizedView(this.batcher.x, engine.inputSize);
    this.labelView = new SizedView(this.batcher.labels, engine.labelSize);
  }

  /** With `outputs` (count * the model's output size), also every example's outputs, in order. */
  run(outputs?: Float32Array): Evaluation {
    let lossSum = 0;
    let correct = 0;
    let topK: number | null = null;
    const width = outputs === undefined ? 0 : outputs.length / this.ds.count;
    for (let b = 0; b < this.batcher.batchCount; b++) {
      const count = this.batcher.fill(b);
      const start = b * this.batcher.batchSize * width;
      const result = this.engine.evaluate(this.xView.take(count), this.labelView.take(count), count, outputs?.subarray(start, start + count * width));
      lossSum += result.loss * count;
      correct += result.correct;
      if (result.topK !== undefined) topK = (topK ?? 0) + result.topK;
    }
    return { loss: lossSum / this.ds.count, accuracy: correct / this.ds.count, ...withTopK(topK, this.ds.count) };
  }
}

/** `{ topKAccuracy }` over `count` examples when the engine counted top-k hits, else nothing. */
export function withTopK(hits: number | null, count: number): { topKAccuracy?: number } {
  return hits === null ? {} : { topKAccuracy: hits / count };
}

/** Evaluates `ds`; with `outputs` (ds.count * the model's output size) also fills in what predict would give. */
export function evaluate(engine: Engine, ds: Dataset, batchSize: number, labelMode: LabelMode, outputs?: Float32Array): Evaluation {
  return new DatasetEvaluator(engine, ds, batchSize, labelMode).run(outputs);
}

/** The model's outputs for every example, in data set order: count * outputSize values. */
export function predict(engine: Engine, ds: Dataset, batchSize: number): Float32Array {
  checkBatchSize(batchSize);
  checkEngineInput(engine, ds);
  if (ds.count === 0) return new Float32Array(0);
  const batcher = new Batcher(ds, batchSize, 'sparse');
  const xView = new SizedView(batcher.x, engine.inputSize);
  let out = new Float32Array(0);
  let outputSize = 0;
  for (let b = 0; b < batcher.batchCount; b++) {
    const count = batcher.fill(b);
    const y = engine.predict(xView.take(count), count);
    if (b === 0) {
      outputSize = y.length / count;
      out = new Float32Array(ds.count * outputSize);
    }
    if (y.length !== count * outputSize) {
      throw new TrainingError(`predict returned ${y.length} values for a batch of ${count} (expected ${count * outputSize})`);
    }
    out.set(y, b * batcher.batchSize * outputSize);
  }
  return out;
}
