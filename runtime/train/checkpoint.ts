// Checkpoints after every epoch, so an interrupted run (Ctrl-C, kill -9, a crash) loses at most
// the epoch in progress. Each checkpoint is two files in one folder:
//   epoch-0003.safetensors   params and optimizer slots
//   epoch-0003.json          epoch, step, RNG state, history, model hash, run config (CheckpointRecord)
// Both are written atomically (temp file + rename), the tensors first: a record exists only
// once its tensors are complete, so the newest record is always a usable checkpoint. Older
// checkpoints are pruned (record first), keeping the newest `keep`.

import * as fs from 'fs';
import * as path from 'path';
import type { NamedTensor, TrainingState } from '../engine';
import { writeFileAtomic } from '../io/atomic';
import { readSafetensors, writeSafetensors } from '../io/safetensors';
import {
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, parseCheckpointRecord,
  type CheckpointRecord, type RunConfig,
} from './checkpoint-record';
import { sha256File } from './file-hash';
import type { EpochEnd } from './fit';

/** The checkpoint folder inside a run folder. */
export const CHECKPOINTS_DIR = 'checkpoints';

const RECORD_NAME = /^epoch-(\d+)\.json$/;
const TENSORS_NAME = /^epoch-(\d+)\.safetensors$/;
/** What io/atomic leaves behind when killed mid-write: `.<target>.<pid>.<random>.tmp`. */
const TEMP_NAME = /^\..+\.tmp$/;

export interface CheckpointSource {
  readonly modelFile: string;
  readonly modelSha256: string;
  readonly config: RunConfig;
}

export interface Checkpoint extends CheckpointRecord {
  /** The record file this was read from. */
  readonly file: string;
  readonly state: TrainingState;
}

const baseName = (epoch: number): string => `epoch-${String(epoch).padStart(4, '0')}`;

export class CheckpointWriter {
  constructor(readonly dir: string, private readonly source: CheckpointSource, private readonly keep = 2) {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep ${keep} must be a positive integer`);
    fs.mkdirSync(dir, { recursive: true });
    removeStaleTemps(dir);
  }

  /** Writes the checkpoint of the epoch that just ended; returns the record's path. */
  write(state: TrainingState, end: EpochEnd): string {
    const epoch = end.record.epoch;
    const tensorsFile = `${baseName(epoch)}.safetensors`;
    const tensorsPath = path.join(this.dir, tensorsFile);
    writeSafetensors(tensorsPath, [...state.params, ...state.slots], { format: CHECKPOINT_FORMAT, epoch: String(epoch) });
    const record: CheckpointRecord = {
      format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION,
      epoch, step: state.step, rngState: end.rngState, history: end.history,
      modelFile: this.source.modelFile, modelSha256: this.source.modelSha256, config: this.source.config,
      tensorsFile, tensorsSha256: sha256File(tensorsPath),
      paramNames: state.params.map((t) => t.name), slotNames: state.slots.map((t) => t.name),
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

/** Reads the newest checkpoint of a run folder (or checkpoint folder): weights, slots, RNG, history. */
export function resume(dir: string): Checkpoint {
  const ckDir = checkpointDir(dir);
  const epochs = listEpochs(ckDir, RECORD_NAME);
  if (epochs.length === 0) throw new CheckpointError(ckDir, 'no checkpoint found (epoch-NNNN.json, written by nnc train after each epoch)');
  const file = path.join(ckDir, `${baseName(epochs[epochs.length - 1])}.json`);
  const record = parseCheckpointRecord(fs.readFileSync(file, 'utf8'), file);
  const tensorsPath = path.join(ckDir, record.tensorsFile);
  if (path.basename(record.tensorsFile) !== record.tensorsFile) throw new CheckpointError(file, `tensorsFile '${record.tensorsFile}' must be a file name in the same folder`);
  if (!fs.existsSync(tensorsPath)) throw new CheckpointError(file, `its tensors file ${record.tensorsFile} is missing`);
  if (sha256File(tensorsPath) !== record.tensorsSha256) throw new CheckpointError(tensorsPath, `does not match the SHA-256 recorded in ${path.basename(file)}`);
  const { tensors } = readSafetensors(tensorsPath);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const pick = (name: string): NamedTensor => {
    const t = byName.get(name);
    if (t === undefined) throw new CheckpointError(tensorsPath, `missing tensor ${JSON.stringify(name)} listed in ${path.basename(file)}`);
    return t;
  };
  const state: TrainingState = { params: record.paramNames.map(pick), slots: record.slotNames.map(pick), step: record.step };
  return { ...record, file, state };
}

function listEpochs(dir: string, pattern: RegExp): number[] {
  return fs.readdirSync(dir)
    .map((name) => pattern.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Temp files of writes cut short by a kill: never a checkpoint, safe to drop before writing anew. */
function removeStaleTemps(dir: string): void {
  for (const name of fs.readdirSync(dir)) if (TEMP_NAME.test(name)) fs.rmSync(path.join(dir, name), { force: true });
}
