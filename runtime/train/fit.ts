// The training loop, with Keras' fit semantics: each epoch walks the training set in a fresh
// seeded order (when shuffling) in batches of batchSize, the last partial batch included; the
// epoch's loss and accuracy are means over its examples (batches weighted by size), and the
// validation set is evaluated after every epoch in inference mode.
//
// Everything random comes from one Rng seeded by `seed`: the epoch's permutation, then one
// dropout seed per step. Its state after an epoch is handed to onEpochEnd, so a checkpoint can
// save it and a resumed run (initialEpoch + rngState + the engine's state) replays the exact
// same sequence.

import type { Engine, EpochRecord, History } from '../engine';
import { Rng, type RngState } from '../../format/rng';
import type { Dataset } from '../data/dataset';
import { Batcher, type LabelMode } from '../data/batch';
import { SizedView } from './batch-views';
import { checkBatchSize, checkEngineFits } from './compatibility';
import { TrainingError, TrainingInterrupted } from './errors';
import { DatasetEvaluator, withTopK, type Evaluation } from './evaluate';
import { stepEarlyStopping, type EarlyStoppingState, type EarlyStoppingVerdict } from './early-stopping';
import type { EarlyStoppingSpec } from '../../format/spec';

export interface FitData {
  readonly train: Dataset;
  readonly val: Dataset | null;
}

export interface BatchProgress {
  /** 1-based epoch and its total, as Keras prints `Epoch 3/25`. */
  readonly epoch: number;
  readonly epochs: number;
  /** Steps done in this epoch (1-based) and the epoch's step count. */
  readonly step: number;
  readonly steps: number;
  /** Running means over the epoch's examples so far. */
  readonly loss: number;
  readonly accuracy: number;
  /** With a top-k metric, its running mean. */
  readonly topKAccuracy?: number;
}

export interface EpochEnd {
  readonly record: EpochRecord;
  /** Every epoch so far, this one included. */
  readonly history: History;
  /** The run's RNG after this epoch: what a resumed run continues from. */
  readonly rngState: RngState;
  /** Early stopping's decision after this epoch (its state is what a checkpoint keeps), or null without it. */
  readonly earlyStopping: EarlyStoppingVerdict | null;
}

export interface FitOptions {
  /** Index of the last epoch to run, as Keras' `epochs` (so resuming keeps the same number). */
  readonly epochs: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly labelMode: LabelMode;
  /** Name recorded in the history; defaults to the resumed history's, else `model`. */
  readonly modelName?: string;
  /** Epochs already done (Keras' initial_epoch); with rngState and history when resuming. */
  readonly initialEpoch?: number;
  readonly rngState?: RngState;
  readonly history?: History;
  /** Keras' EarlyStopping, from its state so far (a resumed run's checkpoint, or the start). */
  readonly earlyStopping?: { readonly spec: EarlyStoppingSpec; readonly state: EarlyStoppingState };
  /** Aborting stops the run between two steps with TrainingInterrupted. */
  readonly signal?: AbortSignal;
  readonly onBatch?: (progress: BatchProgress) => void;
  /** Awaited before the next epoch starts (checkpoints are written here). */
  readonly onEpochEnd?: (end: EpochEnd) => void | Promise<void>;
}

/** Longest stretch of synchronous steps before yielding, so Ctrl-C and progress redraws get through. */
const YIELD_EVERY_MS = 16;

interface RunContext {
  readonly engine: Engine;
  readonly opts: FitOptions;
  readonly rng: Rng;
  readonly batcher: Batcher;
  readonly xView: SizedView;
  readonly labelView: SizedView;
  readonly validator: DatasetEvaluator | null;
  readonly done: EpochRecord[];
  readonly modelName: string;
  lastYield: number;
}

export async function fit(engine: Engine, data: FitData, opts: FitOptions): Promise<History> {
  const ctx = startRun(engine, data, opts);
  let stopping = opts.earlyStopping?.state ?? null;
  // A run that stopped early before it was resumed stays stopped.
  for (let epoch = opts.initialEpoch ?? 0; epoch < opts.epochs && stopping?.stoppedEpoch == null; epoch++) {
    const started = performance.now();
    const train = await runEpoch(ctx, epoch + 1);
    const val = ctx.validator === null ? null : ctx.validator.run();
    const record = epochRecord(epoch + 1, train, val, (performance.now() - started) / 1000);
    ctx.done.push(record);
    const history = currentHistory(ctx);
    const verdict = opts.earlyStopping && stopping ? stepEarlyStopping(opts.earlyStopping.spec, stopping, record) : null;
    stopping = verdict?.state ?? stopping;
    if (opts.onEpochEnd) await opts.onEpochEnd({ record, history, rngState: ctx.rng.state(), earlyStopping: verdict });
  }
  return currentHistory(ctx);
}

function startRun(engine: Engine, data: FitData, opts: FitOptions): RunContext {
  checkBatchSize(opts.batchSize);
  checkEngineFits(engine, data.train, opts.labelMode);
  if (data.train.count === 0) throw new TrainingError('the training set is empty');
  const initialEpoch = opts.initialEpoch ?? 0;
  if (!Number.isInteger(opts.epochs) || opts.epochs < 0) throw new TrainingError(`epochs ${opts.epochs} must be a non-negative integer`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch > opts.epochs) {
    throw new TrainingError(`initial epoch ${initialEpoch} must be an integer between 0 and epochs (${opts.epochs})`);
  }
  const done = [...(opts.history?.epochs ?? [])];
  if (done.length !== initialEpoch) {
    throw new TrainingError(`resuming at epoch ${initialEpoch} needs the history of ${initialEpoch} epochs, got ${done.length}`);
  }
  const batcher = new Batcher(data.train, opts.batchSize, opts.labelMode);
  const hasVal = data.val !== null && data.val.count > 0;
  return {
    engine, opts, batcher, done,
    rng: opts.rngState ? Rng.fromState(opts.rngState) : new Rng(opts.seed),
    xView: new SizedView(batcher.x, engine.inputSize),
    labelView: new SizedView(batcher.labels, engine.labelSize),
    validator: hasVal && data.val ? new DatasetEvaluator(engine, data.val, opts.batchSize, opts.labelMode) : null,
    modelName: opts.modelName ?? opts.history?.model ?? 'model',
    lastYield: performance.now(),
  };
}

/** One pass over the training set; returns the epoch's example-weighted loss and accuracy. */
async function runEpoch(ctx: RunContext, epoch: number): Promise<Evaluation> {
  const { engine, batcher, opts } = ctx;
  batcher.startEpoch(opts.shuffle ? ctx.rng : null);
  const steps = batcher.batchCount;
  let lossSum = 0;
  let correct = 0;
  let topK: number | null = null;
  let seen = 0;
  for (let step = 0; step < steps; step++) {
    await yieldIfDue(ctx);
    if (opts.signal?.aborted) throw new TrainingInterrupted(currentHistory(ctx), epoch, step);
    const count = batcher.fill(step);
    const seed = ctx.rng.nextU32();
    const result = engine.trainStep(ctx.xView.take(count), ctx.labelView.take(count), count, seed);
    if (!Number.isFinite(result.loss)) {
      throw new TrainingError(`training loss became ${result.loss} at epoch ${epoch}, step ${step + 1} of ${steps}`);
    }
    lossSum += result.loss * count;
    correct += result.correct;
    if (result.topK !== undefined) topK = (topK ?? 0) + result.topK;
    seen += count;
    opts.onBatch?.({ epoch, epochs: opts.epochs, step: step + 1, steps, loss: lossSum / seen, accuracy: correct / seen, ...withTopK(topK, seen) });
  }
  return { loss: lossSum / seen, accuracy: correct / seen, ...withTopK(topK, seen) };
}

async function yieldIfDue(ctx: RunContext): Promise<void> {
  const now = performance.now();
  if (now - ctx.lastYield < YIELD_EVERY_MS) return;
  await nextTask();
  ctx.lastYield = performance.now();
}

/**
 * Resolves on the event loop's next turn: setImmediate in Node; in a page (no setImmediate)
 * a MessageChannel message, which, unlike setTimeout, is not clamped to 4 ms.
 */
function nextTask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (immediate) return new Promise<void>((resolve) => { immediate(resolve); });
  return new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    // The DOM's MessagePort (Node's types describe worker_threads' port instead).
    const port = channel.port1 as unknown as { onmessage: (() => void) | null; close(): void };
    port.onmessage = () => { port.close(); resolve(); };
    channel.port2.postMessage(null);
  });
}

function epochRecord(epoch: number, train: Evaluation, val: Evaluation | null, seconds: number): EpochRecord {
  return {
    epoch,
    loss: train.loss,
    accuracy: train.accuracy,
    valLoss: val === null ? null : val.loss,
    valAccuracy: val === null ? null : val.accuracy,
    ...(train.topKAccuracy === undefined ? {} : { topKAccuracy: train.topKAccuracy, valTopKAccuracy: val?.topKAccuracy ?? null }),
    seconds,
  };
}

function currentHistory(ctx: RunContext): History {
  return { model: ctx.modelName, epochs: [...ctx.done] };
}
