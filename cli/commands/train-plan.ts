// Everything a training run needs decided before it starts: the model, the hyperparameters
// (the model's fit settings, overridden from the command line), the data and the folder.
// A resumed run takes all of these from its checkpoint, and refuses overrides that would
// make it a different run.

import * as path from 'path';
import type { CompiledModelFiles } from '../../format/manifest';
import { compiledFor, sizesFor, type ModelArg } from '../model-arg';
import { UsageError } from '../command';
import type { BackendName } from '../../runtime/backends/index';
import { CHECKPOINTS_DIR, type Checkpoint, checkpointDir, resume } from '../../runtime/train/checkpoint';
import type { RunConfig } from '../../runtime/train/checkpoint-record';
import { labelModeForLoss } from '../../runtime/train/compatibility';
import type { Overrides } from './train-args';
import { type DataCache, type DataSourceKey, type RunData, dataSourceFor, describeSource, prepareData } from './train-data';

/** Hyperparameters shared by every model of a comparison. */
export interface RunSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly validationSplit: number;
  readonly data: DataSourceKey;
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
  return {
    epochs: o.epochs ?? fit.epochs,
    batchSize: o.batchSize ?? fit.batchSize,
    seed: o.seed ?? fit.seed,
    shuffle: fit.shuffle,
    validationSplit: fit.validationSplit,
    data: dataSourceFor(model, o.data),
  };
}

export async function freshPlan(model: ModelArg, s: RunSettings, backend: BackendName, outDir: string, cache: DataCache): Promise<RunPlan> {
  const config: RunConfig = { ...s, labelMode: labelModeForLoss(model.facts.loss), backend };
  const data = prepareData(model, cache.get(s.data), s.validationSplit);
  const compiled = await compiledFor(model, sizesFor(config.batchSize, data.train.count, [data.val?.count ?? 0, data.test.count]));
  return { model, compiled, modelSha256: model.facts.sha256, backend, config, data, outDir, from: null };
}

/** A model file and a compiled model of it have the same source hash, so either resumes the other's run. */
export async function resumePlan(model: ModelArg, o: Overrides, backend: BackendName, resumeDir: string, cache: DataCache): Promise<RunPlan> {
  const from = resume(resumeDir);
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
  const data = prepareData(model, cache.get(was.data), was.validationSplit);
  const compiled = await compiledFor(model, sizesFor(config.batchSize, data.train.count, [data.val?.count ?? 0, data.test.count]));
  return { model, compiled, modelSha256, backend, config, data, outDir: runDirOf(resumeDir), from };
}

function refuseChange(flag: string, given: number | undefined, was: number): void {
  if (given !== undefined && given !== was) {
    throw new UsageError(`${flag} ${given} differs from the resumed run's ${was}; a resumed run keeps its hyperparameters`);
  }
}

/** The run folder of a --resume argument, which may name the run or its checkpoints folder. */
function runDirOf(resumeDir: string): string {
  if (checkpointDir(resumeDir) !== resumeDir) return resumeDir;
  const absolute = path.resolve(resumeDir);
  return path.basename(absolute) === CHECKPOINTS_DIR ? path.dirname(absolute) : resumeDir;
}

/** One line saying what is about to be trained, on what, and how. */
export function describePlan(plan: RunPlan): string {
  const { config, data, model } = plan;
  const from = plan.from === null ? '' : `, resuming after epoch ${plan.from.epoch}`;
  return `Training ${model.facts.name} (${model.facts.paramCount.toLocaleString('en-US')} parameters) on ${describeSource(config.data)}: `
    + `${data.train.count} train, ${data.val?.count ?? 0} validation, ${data.test.count} test examples; `
    + `batch ${config.batchSize}, ${config.epochs} epochs, seed ${config.seed}, ${plan.backend} backend${from}`;
}
