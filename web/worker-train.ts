// One training run in the engine worker: the runtime's fit() over the site's training
// images (the last validationSplit of them validating, as nnc train splits), reporting every
// step and epoch to the page, then the test set's loss and accuracy. A step limit (the
// page's ?steps=N) or the stop button ends it between two steps.

import type { BatchResult, Engine, TrainingState } from '../runtime/engine';
import { fit } from '../runtime/train/fit';
import { TrainingInterrupted } from '../runtime/train/errors';
import { evaluate } from '../runtime/train/evaluate';
import { slice } from './data';
import type { Backend, FromWorker } from './protocol';
import { classifySamples, engineInfo, switchEngine, type Loaded } from './worker-state';

export interface TrainRequest {
  readonly backend: Backend;
  readonly epochs: number;
  readonly batchSize: number;
  readonly maxSteps: number | null;
}

/** The engine, remembering each step's own result (fit reports only the epoch's running means). */
class StepRecorder implements Engine {
  last: BatchResult = { loss: NaN, correct: 0 };
  constructor(private readonly inner: Engine) {}
  get description(): string { return this.inner.description; }
  get inputSize(): number { return this.inner.inputSize; }
  get labelSize(): number { return this.inner.labelSize; }
  trainStep(x: Float32Array, labels: Float32Array, batch: number, seed: number): BatchResult {
    this.last = this.inner.trainStep(x, labels, batch, seed);
    return this.last;
  }
  evaluate(x: Float32Array, labels: Float32Array, batch: number, outputs?: Float32Array): BatchResult { return this.inner.evaluate(x, labels, batch, outputs); }
  predict(x: Float32Array, batch: number): Float32Array { return this.inner.predict(x, batch); }
  getState(): TrainingState { return this.inner.getState(); }
  setState(s: TrainingState): void { this.inner.setState(s); }
  dispose(): void { this.inner.dispose(); }
}

function checkRequest(l: Loaded, r: TrainRequest): void {
  if (!l.site.batchSizes.includes(r.batchSize)) throw new Error(`batch size ${r.batchSize} has no compiled training program here (one of ${l.site.batchSizes.join(', ')})`);
  if (!Number.isInteger(r.epochs) || r.epochs < 1) throw new Error(`epochs must be a whole number >= 1, got ${r.epochs}`);
}

export async function runTraining(l: Loaded, r: TrainRequest, post: (m: FromWorker) => void): Promise<void> {
  checkRequest(l, r);
  const controller = new AbortController();
  l.training = controller;
  try {
    await switchEngine(l, r.backend, (line) => post({ type: 'notice', line }));
    const split = Math.floor(l.train.count * (1 - l.site.validationSplit));
    const data = { train: slice(l.train, 0, split), val: split < l.train.count ? slice(l.train, split, l.train.count) : null };
    const engine = new StepRecorder(l.engine);
    const info = engineInfo(l);
    let step = 0;
    let how: 'done' | 'stopped' = 'done';
    try {
      await fit(engine, data, {
        epochs: r.epochs, batchSize: r.batchSize, shuffle: true, seed: l.site.seed + l.runs, labelMode: l.site.labelMode,
        modelName: l.site.name, signal: controller.signal,
        onBatch: (p) => {
          step += 1;
          const last = engine.last;
          post({ type: 'progress', progress: { step, epoch: p.epoch, epochs: p.epochs, epochStep: p.step, epochSteps: p.steps, loss: last.loss, accuracy: last.correct / Math.min(r.batchSize, data.train.count - (p.step - 1) * r.batchSize), meanLoss: p.loss, meanAccuracy: p.accuracy, engine: info } });
          if (r.maxSteps !== null && step >= r.maxSteps) controller.abort();
        },
        onEpochEnd: (end) => post({ type: 'epoch', record: end.record }),
      });
    } catch (e) {
      if (!(e instanceof TrainingInterrupted)) throw e;
      how = 'stopped';
    }
    l.runs += 1;
    const test = evaluate(l.engine, l.test, r.batchSize, l.site.labelMode);
    post({ type: 'trained', how, steps: step, engine: info, test, sampleProbs: classifySamples(l) });
  } finally {
    l.training = null;
  }
}
