// The JSON half of a checkpoint: everything but the tensors. It is written last, after the
// tensors it names, so its presence means the checkpoint is complete; it carries the
// tensors file's SHA-256 so a pair that does not belong together is caught.

import type { EpochRecord, History } from '../engine';
import type { RngState } from '../../format/rng';
import type { LabelMode } from '../data/batch';
import type { DataHashes } from '../data/dataset';
import { type IntRange, RUN_LIMITS, inRange } from './run-limits';
import type { EarlyStoppingState } from './early-stopping';

export const CHECKPOINT_FORMAT = 'nnc-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** How the run was started: a resume continues with exactly these. */
export interface RunConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly validationSplit: number;
  readonly labelMode: LabelMode;
  /** `mnist`, or the IDX folder the data came from. */
  readonly data: string;
  readonly backend: string;
}

export interface CheckpointRecord {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: number;
  /** Epochs completed (1-based number of the last one). */
  readonly epoch: number;
  /** Optimizer steps taken so far. */
  readonly step: number;
  readonly rngState: RngState;
  readonly history: History;
  readonly modelFile: string;
  readonly modelSha256: string;
  readonly config: RunConfig;
  /** SHA-256 of each data file the run trains on, by part; null in checkpoints of older nnc versions. */
  readonly dataSha256: DataHashes | null;
  /** File name (in the same folder) of the params and optimizer slots. */
  readonly tensorsFile: string;
  readonly tensorsSha256: string;
  readonly paramNames: readonly string[];
  readonly slotNames: readonly string[];
  /** Early stopping's state after this epoch; absent when the run has none. */
  readonly earlyStopping?: EarlyStoppingState;
  /** Tensors (`best:<param>`) holding the best epoch's weights, when they are to be restored at the end. */
  readonly bestNames?: readonly string[];
}

type Json = unknown;

/** Parses and checks a checkpoint record; a problem is one line naming the file and the field. */
export function parseCheckpointRecord(text: string, file: string): CheckpointRecord {
  let raw: Json;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CheckpointError(file, 'not valid JSON');
  }
  const r = new FieldReader(raw, file, 'checkpoint');
  if (r.string('format') !== CHECKPOINT_FORMAT) throw new CheckpointError(file, `not an nnc checkpoint (format is not '${CHECKPOINT_FORMAT}')`);
  const version = r.number('version');
  if (version !== CHECKPOINT_VERSION) throw new CheckpointError(file, `checkpoint version ${version} is not supported (this nnc reads ${CHECKPOINT_VERSION})`);
  const rng = r.numbers('rngState');
  if (rng.length !== 4 || !rng.every((x) => inRange(x, RUN_LIMITS.seed))) throw new CheckpointError(file, 'rngState must hold 4 integers from 0 to 4294967295');
  const epoch = r.int('epoch', { min: 1, max: RUN_LIMITS.epochs.max });
  const config = parseConfig(r.object('config'), file);
  if (epoch > config.epochs) throw new CheckpointError(file, `checkpoint.epoch ${epoch} is beyond config.epochs ${config.epochs}`);
  return {
    format: CHECKPOINT_FORMAT, version,
    epoch, step: r.int('step', { min: 0, max: Number.MAX_SAFE_INTEGER }),
    rngState: [rng[0], rng[1], rng[2], rng[3]],
    history: parseHistory(r.object('history'), file),
    modelFile: r.string('modelFile'), modelSha256: r.string('modelSha256'),
    config,
    dataSha256: r.has('dataSha256') ? parseHashes(r.object('dataSha256'), file) : null,
    tensorsFile: r.string('tensorsFile'), tensorsSha256: r.string('tensorsSha256'),
    paramNames: r.strings('paramNames'), slotNames: r.strings('slotNames'),
    ...(r.has('earlyStopping') ? { earlyStopping: parseEarlyStopping(r.object('earlyStopping'), file, epoch) } : {}),
    ...(r.has('bestNames') ? { bestNames: r.strings('bestNames') } : {}),
  };
}

function parseEarlyStopping(raw: Json, file: string, epoch: number): EarlyStoppingState {
  const r = new FieldReader(raw, file, 'earlyStopping');
  const epochOrNull = (key: string): number | null => (r.has(key) ? r.int(key, { min: 1, max: epoch }) : null);
  return {
    wait: r.int('wait', { min: 0, max: epoch }), best: r.has('best') ? r.number('best') : null,
    bestEpoch: epochOrNull('bestEpoch'), stoppedEpoch: epochOrNull('stoppedEpoch'),
  };
}

function parseHashes(raw: Json, file: string): DataHashes {
  const r = new FieldReader(raw, file, 'dataSha256');
  return Object.fromEntries(r.keys().map((k) => [k, r.string(k)]));
}

function parseConfig(raw: Json, file: string): RunConfig {
  const r = new FieldReader(raw, file, 'config');
  const labelMode = r.string('labelMode');
  if (labelMode !== 'onehot' && labelMode !== 'sparse') throw new CheckpointError(file, `config.labelMode '${labelMode}' is not onehot or sparse`);
  const validationSplit = r.number('validationSplit');
  if (!(validationSplit >= 0 && validationSplit < 1)) throw new CheckpointError(file, 'config.validationSplit must be at least 0 and less than 1');
  return {
    epochs: r.int('epochs', RUN_LIMITS.epochs), batchSize: r.int('batchSize', RUN_LIMITS.batchSize), seed: r.int('seed', RUN_LIMITS.seed),
    shuffle: r.boolean('shuffle'), validationSplit, labelMode,
    data: r.string('data'), backend: r.string('backend'),
  };
}

function parseHistory(raw: Json, file: string): History {
  const r = new FieldReader(raw, file, 'history');
  const epochs = r.array('epochs').map((e, i): EpochRecord => {
    const er = new FieldReader(e, file, `history.epochs[${i}]`);
    return {
      epoch: er.number('epoch'), loss: er.number('loss'), accuracy: er.number('accuracy'),
      valLoss: er.nullableNumber('valLoss'), valAccuracy: er.nullableNumber('valAccuracy'),
      seconds: er.number('seconds'),
      ...(er.has('topKAccuracy') ? { topKAccuracy: er.number('topKAccuracy'), valTopKAccuracy: er.nullableNumber('valTopKAccuracy') } : {}),
    };
  });
  return { model: r.string('model'), epochs };
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';

  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
  }
}

/** Typed access to one JSON object's fields, failing with the field's path. */
class FieldReader {
  private readonly obj: Record<string, Json>;

  constructor(raw: Json, private readonly file: string, private readonly where: string) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CheckpointError(file, `${where} must be an object`);
    this.obj = raw as Record<string, Json>;
  }

  private fail(key: string, what: string): never {
    throw new CheckpointError(this.file, `${this.where}.${key} must be ${what}`);
  }

  number(key: string): number {
    const v = this.obj[key];
    return typeof v === 'number' ? v : this.fail(key, 'a number');
  }

  /** A whole number in `range`: a value edited out of range fails here, not deep in training. */
  int(key: string, range: IntRange): number {
    const v = this.obj[key];
    return typeof v === 'number' && inRange(v, range) ? v : this.fail(key, `an integer from ${range.min} to ${range.max}`);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  keys(): string[] {
    return Object.keys(this.obj);
  }

  nullableNumber(key: string): number | null {
    const v = this.obj[key];
    return v === null || typeof v === 'number' ? v : this.fail(key, 'a number or null');
  }

  string(key: string): string {
    const v = this.obj[key];
    return typeof v === 'string' ? v : this.fail(key, 'a string');
  }

  boolean(key: string): boolean {
    const v = this.obj[key];
    return typeof v === 'boolean' ? v : this.fail(key, 'true or false');
  }

  object(key: string): Json {
    return this.obj[key];
  }

  array(key: string): Json[] {
    const v = this.obj[key];
    return Array.isArray(v) ? v : this.fail(key, 'an array');
  }

  numbers(key: string): number[] {
    const v = this.array(key);
    return v.every((x): x is number => typeof x === 'number') ? v : this.fail(key, 'an array of numbers');
  }

  strings(key: string): string[] {
    const v = this.array(key);
    return v.every((x): x is string => typeof x === 'string') ? v : this.fail(key, 'an array of strings');
  }
}
