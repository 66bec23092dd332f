// Everything a training run needs decided before it starts: the model, the hyperparameters
// (the model's fit settings, overridden from the command line), the data and the folder.
// A resumed run takes all of these from its checkpoint, and refuses overrides that would
// make it a different run.

import * as path from 'path';
import type { CompiledModel } from '../../compiler/pipeline';
import { UsageError } from '../command';
import type { BackendName } from '../../runtime/backends/index';
import { CHECKPOINTS_DIR, type Checkpoint, checkpointDir, resume } from '../../runtime/train/checkpoint';
import type { RunConfig } from '../../runtime/train/checkpoint-record';
import { labelModeForLoss } from '../../runtime/train/compatibility';
import { sha256File } from '../../runtime/train/file-hash';
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
  readonly model: CompiledModel;
  readonly modelSha256: string;
  readonly backend: BackendName;
  readonly config: RunConfig;
  readonly data: RunData;
  readonly outDir: string;
  /** The checkpoint a resumed run continues from. */
  readonly from: Checkpoint | null;
}

export function settingsFor(model: CompiledModel, o: Overrides): RunSettings {
  const fit = model.spec.fit;
  return {
    epochs: o.epochs ?? fit.epochs,
    batchSize: o.batchSize ?? fit.batchSize,
    seed: o.seed ?? fit.seed,
    shuffle: fit.shuffle,
    validationSplit: fit.validationSplit,
    data: dataSourceFor(model, o.data),
  };
}

export function freshPlan(model: CompiledModel, s: RunSettings, backend: BackendName, outDir: string, cache: DataCache): RunPlan {
  const config: RunConfig = { ...s, labelMode: labelModeForLoss(model.spec.loss), backend };
  const data = prepareData(model, cache.get(s.data), s.validationSplit);
  return { model, modelSha256: sha256File(model.file), backend, config, data, outDir, from: null };
}

export function resumePlan(model: CompiledModel, o: Overrides, backend: BackendName, resumeDir: string, cache: DataCache): RunPlan {
  const from = resume(resumeDir);
  const modelSha256 = sha256File(model.file);
  if (modelSha256 !== from.modelSha256) {
    throw new UsageError(`${model.file} is not the model file the checkpoint ${from.file} was trained from (${from.modelFile}; contents differ)`);
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
  return { model, modelSha256, backend, config, data, outDir: runDirOf(resumeDir), from };
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
  return `Training ${model.spec.name} (${model.paramCount.toLocaleString('en-US')} parameters) on ${describeSource(config.data)}: `
    + `${data.train.count} train, ${data.val?.count ?? 0} validation, ${data.test.count} test examples; `
    + `batch ${config.batchSize}, ${config.epochs} epochs, seed ${config.seed}, ${plan.backend} backend${from}`;
}
