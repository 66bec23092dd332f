// Everything a training run needs decided before it starts: the model, the hyperparameters
// (the model's fit settings, overridden from the command line), the data and the folder,
// each checked (data shapes, labels, sizes against the machine) before anything is allocated.
// A resumed run takes all of these from its checkpoint, and refuses overrides, a model or
// data that would make it a different run.

import * as path from 'path';
import type { CompiledModelFiles } from '../../format/manifest';
import { compiledFor, sizesFor, type ModelArg } from '../model-arg';
import { UsageError } from '../command';
import { checkEarlyStopping } from './train-early-stop';
import { type BatchOrigin, checkRunFits } from '../resources';
import type { BackendName } from '../../runtime/backends/index';
import type { DataHashes } from '../../runtime/data/dataset';
import { type Checkpoint, type CheckpointFilter, resume } from '../../runtime/train/checkpoint';
import type { RunConfig } from '../../runtime/train/checkpoint-record';
import { labelModeForLoss } from '../../runtime/train/compatibility';
import type { Overrides } from './train-args';
import { type DataCache, type DataSourceKey, type RunData, dataSourceFor, describeSource, prepareData } from './train-data';
import type { RunIdentity } from './run-folder';

/** Hyperparameters shared by every model of a comparison. */
export interface RunSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly validationSplit: number;
  readonly data: DataSourceKey;
  /** Where the batch size came from, for errors about its size. */
  readonly batchOrigin: BatchOrigin;
}

export interface RunPlan {
  readonly model: ModelArg;
  /** With programs for every batch size this run's data needs. */
  readonly compiled: CompiledModelFiles;
  readonly modelSha256: string;
  readonly backend: BackendName;
  readonly config: RunConfig;
  readonly data: RunData;
  readonly outDir: string;
  /** The checkpoint a resumed run continues from. */
  readonly from: Checkpoint | null;
}

export function settingsFor(model: ModelArg, o: Overrides): RunSettings {
  const fit = model.facts.fit;
  const batchSize = o.batchSize ?? fit.batchSize;
  return {
    epochs: o.epochs ?? fit.epochs,
    batchSize,
    seed: o.seed ?? fit.seed,
    shuffle: fit.shuffle,
    validationSplit: fit.validationSplit,
    data: dataSourceFor(model, o.data),
    batchOrigin: { value: batchSize, flag: o.batchSize === undefined ? null : '--batch-size' },
  };
}

export async function freshPlan(model: ModelArg, s: RunSettings, backend: BackendName, outDir: string, cache: DataCache): Promise<RunPlan> {
  checkEarlyStopping(model.facts.fit, s.validationSplit, model.arg);
  const config: RunConfig = {
    epochs: s.epochs, batchSize: s.batchSize, seed: s.seed, shuffle: s.shuffle, validationSplit: s.validationSplit,
    data: s.data, labelMode: labelModeForLoss(model.facts.loss), backend,
  };
  const data = prepareData(model, cache.get(s.data, model), s.validationSplit);
  const compiled = await fitted(model, config, data, backend, s.batchOrigin);
  return { model, compiled, modelSha256: model.facts.sha256, backend, config, data, outDir, from: null };
}

/**
 * A model file and a compiled model of it have the same source hash, so either resumes the
 * other's run. `identity` (the folder's run.json) keeps another run's checkpoints out.
 */
export async function resumePlan(
  model: ModelArg, o: Overrides, backend: BackendName, runDir: string, identity: RunIdentity | null, cache: DataCache,
): Promise<RunPlan> {
  const from = resume(runDir, identity === null ? undefined : belongsTo(identity));
  const modelSha256 = model.facts.sha256;
  if (modelSha256 !== from.modelSha256) {
    throw new UsageError(`${model.arg} is not the model the checkpoint ${from.file} was trained from (${from.modelFile}; contents differ)`);
  }
  const was = from.config;
  refuseChange('--batch-size', o.batchSize, was.batchSize);
  refuseChange('--seed', o.seed, was.seed);
  if (o.data !== undefined && path.resolve(o.data) !== was.data) {
    throw new UsageError(`--data ${o.data} differs from the data the resumed run trained on (${describeSource(was.data)})`);
  }
  const epochs = o.epochs ?? was.epochs;
  if (epochs < from.epoch) throw new UsageError(`--epochs ${epochs} is less than the ${from.epoch} epochs the checkpoint has already trained`);
  const config: RunConfig = { ...was, epochs, backend };
  const data = prepareData(model, cache.get(was.data, model), was.validationSplit);
  refuseChangedData(from.dataSha256 ?? identity?.dataSha256 ?? null, data.hashes, was.data);
  const compiled = await fitted(model, config, data, backend, { value: config.batchSize, flag: `${from.file}: batchSize` });
  return { model, compiled, modelSha256, backend, config, data, outDir: runDir, from };
}

/** Builds (or checks) the programs the run needs, then checks the run fits this machine. */
async function fitted(model: ModelArg, config: RunConfig, data: RunData, backend: BackendName, origin: BatchOrigin): Promise<CompiledModelFiles> {
  const sizes = sizesFor(config.batchSize, data.train.count, [data.val?.count ?? 0, data.test.count]);
  const compiled = await compiledFor(model, sizes, origin);
  const examples = data.train.count + (data.val?.count ?? 0) + data.test.count;
  checkRunFits(model.arg, compiled, { backend, trainBatches: sizes.trainBatches ?? [], inferBatches: sizes.inferBatches ?? [], examples }, origin);
  return compiled;
}

/** Checkpoints of another run (another model, seed or data) in the same folder are skipped. */
function belongsTo(id: RunIdentity): CheckpointFilter {
  return (record) => {
    if (record.modelSha256 !== id.modelSha256) return `belongs to another run (its model differs from the one in ${'run.json'})`;
    if (record.config.seed !== id.seed) return `belongs to another run (seed ${record.config.seed}, not ${id.seed} as run.json says)`;
    if (record.dataSha256 !== null && !sameHashes(record.dataSha256, id.dataSha256)) return 'belongs to another run (its data differs from run.json\'s)';
    return null;
  };
}

function refuseChangedData(recorded: DataHashes | null, now: DataHashes, source: DataSourceKey): void {
  if (recorded === null) return;
  for (const part of Object.keys(recorded)) {
    if (recorded[part] !== now[part]) {
      const was = recorded[part].slice(0, 12);
      const is = (now[part] ?? 'absent').slice(0, 12);
      throw new UsageError(`the ${part} file of ${describeSource(source)} changed since the run started (SHA-256 ${was}... then, ${is}... now); `
        + 'resume with the same data, or start a new run');
    }
  }
}

function sameHashes(a: DataHashes, b: DataHashes): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function refuseChange(flag: string, given: number | undefined, was: number): void {
  if (given !== undefined && given !== was) {
    throw new UsageError(`${flag} ${given} differs from the resumed run's ${was}; a resumed run keeps its hyperparameters`);
  }
}

/** The identity a fresh run records in its folder's run.json. */
export function identityOf(plan: RunPlan): RunIdentity {
  return {
    format: 'nnc-run', model: plan.model.facts.name, modelSha256: plan.modelSha256,
    seed: plan.config.seed, data: plan.config.data, dataSha256: plan.data.hashes,
  };
}

/** One line saying what is about to be trained, on what, and how. */
export function describePlan(plan: RunPlan): string {
  const { config, data, model } = plan;
  const from = plan.from === null ? '' : `, resuming after epoch ${plan.from.epoch}`;
  return `Training ${model.facts.name} (${model.facts.paramCount.toLocaleString('en-US')} parameters) on ${describeSource(config.data)}: `
    + `${data.train.count} train, ${data.val?.count ?? 0} validation, ${data.test.count} test examples; `
    + `batch ${config.batchSize}, ${config.epochs} epochs, seed ${config.seed}, ${plan.backend} backend${from}`;
}
