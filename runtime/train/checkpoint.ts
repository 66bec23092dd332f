// Checkpoints after every epoch, so an interrupted run (Ctrl-C, kill -9, a crash) loses at most
// the epoch in progress. Each checkpoint is two files in one folder:
//   epoch-0003.safetensors   params and optimizer slots
//   epoch-0003.json          epoch, step, RNG state, history, model hash, run config (CheckpointRecord)
// Both are written atomically (temp file + rename), the tensors first: a record exists only
// once its tensors are complete, so the newest record is always a usable checkpoint. Older
// checkpoints are pruned (record first), keeping the newest `keep`. Resuming takes the newest
// checkpoint that is whole (a damaged or foreign one is skipped, and the caller told why).

import * as fs from 'fs';
import * as path from 'path';
import type { NamedTensor, TrainingState } from '../engine';
import { removeStaleTemps, writeFileAtomic } from '../io/atomic';
import { makeDirs } from '../io/dirs';
import { FileReadError, READ_LIMITS, readRegularFile } from '../io/read-file';
import { WeightsFileError } from '../io/errors';
import { readSafetensors, writeSafetensors } from '../io/safetensors';
import type { DataHashes } from '../data/dataset';
import {
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, parseCheckpointRecord,
  type CheckpointRecord, type RunConfig,
} from './checkpoint-record';
import { sha256File } from './file-hash';
import type { EpochEnd } from './fit';

/** The checkpoint folder inside a run folder. */
export const CHECKPOINTS_DIR = 'checkpoints';

// At most 15 digits: every such epoch number is a safe integer (a longer one is not a checkpoint).
const RECORD_NAME = /^epoch-(\d{1,15})\.json$/;
const TENSORS_NAME = /^epoch-(\d{1,15})\.safetensors$/;

export interface CheckpointSource {
  readonly modelFile: string;
  readonly modelSha256: string;
  readonly config: RunConfig;
  /** The data files' hashes, recorded so a resume notices changed data. */
  readonly dataSha256?: DataHashes | null;
  /** More metadata for the tensors file (the input normalisation the weights are trained with). */
  readonly tensorsMetadata?: Readonly<Record<string, string>>;
}

/** A newer checkpoint passed over on resuming, and why. */
export interface SkippedCheckpoint {
  readonly file: string;
  readonly reason: string;
}

export interface Checkpoint extends CheckpointRecord {
  /** The record file this was read from. */
  readonly file: string;
  readonly state: TrainingState;
  /** The best epoch's weights (early stopping with restoreBestWeights), or null. */
  readonly best: readonly NamedTensor[] | null;
  /** Newer checkpoints that could not be used, newest first. */
  readonly skipped: readonly SkippedCheckpoint[];
}

/** Says why a whole checkpoint is still not this run's (another model, seed or data), or null to accept it. */
export type CheckpointFilter = (record: CheckpointRecord) => string | null;

const baseName = (epoch: number): string => `epoch-${String(epoch).padStart(4, '0')}`;

/** The record file of epoch `epoch`'s checkpoint in run folder `runDir`. */
export function checkpointRecordFile(runDir: string, epoch: number): string {
  return path.join(runDir, CHECKPOINTS_DIR, `${baseName(epoch)}.json`);
}

export class CheckpointWriter {
  constructor(readonly dir: string, private readonly source: CheckpointSource, private readonly keep = 2) {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep ${keep} must be a positive integer`);
    makeDirs(dir);
    removeStaleTemps(dir);
  }

  /** Writes the checkpoint of the epoch that just ended (with the best epoch's weights, if kept); returns the record's path. */
  write(state: TrainingState, end: EpochEnd, best: readonly NamedTensor[] | null = null): string {
    const epoch = end.record.epoch;
    const tensorsFile = `${baseName(epoch)}.safetensors`;
    const tensorsPath = path.join(this.dir, tensorsFile);
    const bestTensors = (best ?? []).map((t) => ({ ...t, name: `best:${t.name}` }));
    writeSafetensors(tensorsPath, [...state.params, ...state.slots, ...bestTensors], { ...this.source.tensorsMetadata, format: CHECKPOINT_FORMAT, epoch: String(epoch) });
    const record: CheckpointRecord = {
      format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION,
      epoch, step: state.step, rngState: end.rngState, history: end.history,
      modelFile: this.source.modelFile, modelSha256: this.source.modelSha256, config: this.source.config,
      dataSha256: this.source.dataSha256 ?? null,
      tensorsFile, tensorsSha256: sha256File(tensorsPath),
      paramNames: state.params.map((t) => t.name), slotNames: state.slots.map((t) => t.name),
      ...(end.earlyStopping ? { earlyStopping: end.earlyStopping.state } : {}),
      ...(best ? { bestNames: bestTensors.map((t) => t.name) } : {}),
    };
    const recordPath = path.join(this.dir, `${baseName(epoch)}.json`);
    writeFileAtomic(recordPath, JSON.stringify(record, null, 1) + '\n');
    this.prune(epoch);
    return recordPath;
  }

  /** Keeps the newest `keep` checkpoints up to `epoch`; drops older ones and orphaned tensors. */
  private prune(epoch: number): void {
    const records = listEpochs(this.dir, RECORD_NAME).filter((e) => e <= epoch);
    const kept = new Set(records.slice(-this.keep));
    for (const e of records) if (!kept.has(e)) fs.rmSync(path.join(this.dir, `${baseName(e)}.json`), { force: true });
    for (const e of listEpochs(this.dir, TENSORS_NAME)) {
      if (e <= epoch && !kept.has(e)) fs.rmSync(path.join(this.dir, `${baseName(e)}.safetensors`), { force: true });
    }
  }
}

/** The checkpoint folder for a run folder or a checkpoint folder given by the user. */
export function checkpointDir(dir: string): string {
  if (!fs.existsSync(dir)) throw new CheckpointError(dir, 'folder not found');
  if (!fs.statSync(dir).isDirectory()) throw new CheckpointError(dir, 'not a folder');
  const inner = path.join(dir, CHECKPOINTS_DIR);
  return fs.existsSync(inner) && fs.statSync(inner).isDirectory() ? inner : dir;
}

/** Epochs that have a complete checkpoint in `dir`, oldest first. */
export function listCheckpoints(dir: string): number[] {
  return listEpochs(checkpointDir(dir), RECORD_NAME);
}

/**
 * Reads the newest usable checkpoint of a run folder (or checkpoint folder): weights, slots,
 * RNG, history. A newer one that is damaged (or that `filter` rejects) is skipped for the one
 * before it; when none is usable, the newest one's problem is the error.
 */
export function resume(dir: string, filter: CheckpointFilter = () => null): Checkpoint {
  const ckDir = checkpointDir(dir);
  const epochs = listEpochs(ckDir, RECORD_NAME);
  if (epochs.length === 0) throw new CheckpointError(ckDir, 'no checkpoint found (epoch-NNNN.json, written by nnc train after each epoch)');
  const skipped: SkippedCheckpoint[] = [];
  let first: Error | null = null;
  for (const epoch of [...epochs].reverse()) {
    const file = path.join(ckDir, `${baseName(epoch)}.json`);
    try {
      return { ...readCheckpoint(file, epoch, filter), skipped };
    } catch (e) {
      if (!(e instanceof CheckpointError || e instanceof WeightsFileError || e instanceof FileReadError)) throw e;
      first ??= e;
      skipped.push({ file, reason: e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message });
    }
  }
  const older = skipped.length > 1 ? ` (and the ${skipped.length - 1} older checkpoint${skipped.length > 2 ? 's' : ''} cannot be used either)` : '';
  throw new CheckpointError((first as CheckpointError).file ?? ckDir, `${skipped[0].reason}${older}`);
}

function readCheckpoint(file: string, epoch: number, filter: CheckpointFilter): Omit<Checkpoint, 'skipped'> {
  const record = parseCheckpointRecord(readRecordText(file), file);
  if (record.epoch !== epoch) throw new CheckpointError(file, `records epoch ${record.epoch}, not the ${epoch} its name says`);
  const foreign = filter(record);
  if (foreign !== null) throw new CheckpointError(file, foreign);
  if (path.basename(record.tensorsFile) !== record.tensorsFile) throw new CheckpointError(file, `tensorsFile '${record.tensorsFile}' must be a file name in the same folder`);
  const tensorsPath = path.join(path.dirname(file), record.tensorsFile);
  if (!fs.existsSync(tensorsPath)) throw new CheckpointError(file, `its tensors file ${record.tensorsFile} is missing`);
  if (sha256File(tensorsPath) !== record.tensorsSha256) throw new CheckpointError(file, `its tensors file ${record.tensorsFile} does not match the SHA-256 it records`);
  const { tensors } = readSafetensors(tensorsPath);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const pick = (name: string): NamedTensor => {
    const t = byName.get(name);
    if (t === undefined) throw new CheckpointError(file, `its tensors file ${record.tensorsFile} lacks the tensor ${JSON.stringify(name)} it lists`);
    return t;
  };
  const state: TrainingState = { params: record.paramNames.map(pick), slots: record.slotNames.map(pick), step: record.step };
  const best = record.bestNames ? record.bestNames.map((n) => ({ ...pick(n), name: n.slice('best:'.length) })) : null;
  return { ...record, file, state, best };
}

function readRecordText(file: string): string {
  try {
    return readRegularFile(file, READ_LIMITS.record).toString('utf8');
  } catch (e) {
    if (e instanceof FileReadError) throw new CheckpointError(file, e.problem);
    throw e;
  }
}

function listEpochs(dir: string, pattern: RegExp): number[] {
  return fs.readdirSync(dir)
    .map((name) => pattern.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}
