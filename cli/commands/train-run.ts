// Carries out a RunPlan: builds the engine (restoring a checkpoint when resuming), trains
// with a checkpoint and history.json after every epoch, evaluates the test set, and writes
// the final weights. Shared by `nnc train` and `nnc compare`.

import * as path from 'path';
import type { Engine, History } from '../../runtime/engine';
import { createRunEngine } from '../engine';
import type { FmaChoice } from '../../runtime/backends/cpu/multiply-add';
import { checkTensorsMatch } from '../../runtime/io/safetensors';
import { CHECKPOINTS_DIR, type Checkpoint, CheckpointWriter } from '../../runtime/train/checkpoint';
import type { Evaluation } from '../../runtime/train/evaluate';
import { evaluateWithConfusion, type ConfusionMatrix } from '../../runtime/train/confusion';
import { fit } from '../../runtime/train/fit';
import { meanSecondsPerEpoch } from '../../runtime/train/history-json';
import type { ProgressView } from './train-progress';
import type { RunPlan } from './train-plan';
import { writeHistory, writeWeights } from './train-output';
import { RunEarlyStopping, earlyStoppingOf } from './train-early-stop';
import { normalizationMetadata } from '../../runtime/data/normalize';

export interface RunHooks {
  readonly signal: AbortSignal;
  readonly progress: ProgressView;
  /** One-line notices (a backend falling back, say). */
  readonly notice: (line: string) => void;
  /** CPU backend threads; undefined: one per core. How a run executes, not what it computes. */
  readonly threads?: number;
  /** The CPU programs' multiply-add form; undefined: the runtime's default. */
  readonly fma?: FmaChoice;
}

export interface RunOutcome {
  readonly history: History;
  readonly test: Evaluation;
  readonly secondsPerEpoch: number;
  readonly weightsFile: string;
  /** What early stopping did (stopped at, weights restored), one line each. */
  readonly notes: readonly string[];
  /** A classifier's confusion matrix on the test set; null for a regression model. */
  readonly confusion: ConfusionMatrix | null;
}

export async function executeRun(plan: RunPlan, hooks: RunHooks): Promise<RunOutcome> {
  const { model, config, data, outDir } = plan;
  const engine = await createRunEngine(model, plan.compiled, { backend: plan.backend, seed: config.seed, notice: hooks.notice, threads: hooks.threads, fma: hooks.fma });
  try {
    if (plan.from !== null) restoreCheckpoint(engine, plan.from);
    const esSpec = earlyStoppingOf(model.facts.fit);
    const stopping = esSpec === null ? null : new RunEarlyStopping(esSpec, plan.from, outDir, model.facts.name);
    const writer = new CheckpointWriter(path.join(outDir, CHECKPOINTS_DIR), {
      modelFile: path.resolve(model.arg), modelSha256: plan.modelSha256, config, dataSha256: data.hashes,
      tensorsMetadata: normalizationMetadata(data.normalization),
    });
    const history = await fit(engine, { train: data.train, val: data.val }, {
      epochs: config.epochs, batchSize: config.batchSize, shuffle: config.shuffle, seed: config.seed,
      labelMode: config.labelMode, modelName: model.facts.name,
      initialEpoch: plan.from?.epoch, rngState: plan.from?.rngState, history: plan.from?.history,
      signal: hooks.signal,
      ...(stopping === null ? {} : { earlyStopping: stopping.option }),
      onBatch: (p) => hooks.progress.onBatch(p),
      onEpochEnd: (end) => {
        hooks.progress.onEpochEnd(end.record, config.epochs);
        const best = stopping === null ? null : stopping.onEpochEnd(engine, end);
        writer.write(engine.getState(), end, best);
        writeHistory(outDir, end.history, null);
      },
    });
    const notes = stopping === null ? [] : stopping.finish(engine);
    const { evaluation: test, confusion } = evaluateWithConfusion(engine, data.test, config.batchSize, config.labelMode, model.facts.loss, model.facts.io);
    const weightsFile = writeWeights(outDir, engine.getState().params, model.facts.name, normalizationMetadata(data.normalization));
    writeHistory(outDir, history, test);
    return { history, test, secondsPerEpoch: meanSecondsPerEpoch(history), weightsFile, notes, confusion };
  } finally {
    hooks.progress.close();
    engine.dispose();
  }
}

/** Puts a checkpoint's params and optimizer slots into the engine, after checking they are this model's. */
function restoreCheckpoint(engine: Engine, from: Checkpoint): void {
  const own = engine.getState();
  checkTensorsMatch(own.params, from.state.params, path.join(path.dirname(from.file), from.tensorsFile));
  checkTensorsMatch(own.slots, from.state.slots, path.join(path.dirname(from.file), from.tensorsFile));
  engine.setState(from.state);
}
