// A run folder belongs to one run. While a run uses it, a lock file names the process; a
// fresh run refuses a folder that holds another run's files (unless --force, which removes
// only nnc's own files); run.json records the run's identity (model hash, seed, data hashes),
// which a resume checks. Folders are created with a bounded walk (runtime/io/dirs).

import * as fs from 'fs';
import * as path from 'path';
import { removeStaleTemps, writeFileAtomic } from '../../runtime/io/atomic';
import { makeDirs } from '../../runtime/io/dirs';
import { type HeldLock, acquireLock } from '../../runtime/io/lock';
import { OutputError, describeWriteFailure } from '../../runtime/io/output-errors';
import { READ_LIMITS, readRegularFile } from '../../runtime/io/read-file';
import type { DataHashes } from '../../runtime/data/dataset';
import { CHECKPOINTS_DIR, listCheckpoints } from '../../runtime/train/checkpoint';
import { HISTORY_FILE, WEIGHTS_FILE } from './train-output';
import { BEST_WEIGHTS_FILE } from './train-early-stop';

export const RUN_FILE = 'run.json';
export const LOCK_FILE = '.nnc-lock';
/** What nnc writes in a run folder (or a comparison's): all --force may remove. */
const RUN_OUTPUTS = [RUN_FILE, CHECKPOINTS_DIR, WEIGHTS_FILE, HISTORY_FILE, 'report.html', BEST_WEIGHTS_FILE];
/** The report's charts (runtime/report/charts.ts): <model>-accuracy.svg, validation-loss-2.png, ... */
const CHART_FILE = /^.+-(accuracy|loss)(-\d+)?\.(svg|png)$/;

function runOutputsIn(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => RUN_OUTPUTS.includes(name) || CHART_FILE.test(name)).sort();
}

/** Which run a folder holds: a resume must be the same model, seed and data. */
export interface RunIdentity {
  readonly format: 'nnc-run';
  readonly model: string;
  readonly modelSha256: string;
  readonly seed: number;
  readonly data: string;
  readonly dataSha256: DataHashes;
}

export class RunFolder {
  private started = false;

  private constructor(readonly dir: string, private readonly lock: HeldLock, private readonly created: string | null, private readonly force: boolean) {}

  /** One line when a stale lock (its process gone) was taken over, else null. */
  get staleLockNotice(): string | null {
    const o = this.lock.replaced;
    if (o === null) return null;
    return `nnc: took over the stale lock of ${this.dir} (${o.command}, pid ${o.pid} on ${o.host}, is no longer running)`;
  }

  /** A folder for a new run: created if need be, locked, and refused if it holds another run (unless `force`). */
  static fresh(dir: string, opts: { force: boolean; command: string; flag: string; resumable: boolean }): RunFolder {
    const created = makeDirs(dir);
    let lock: HeldLock;
    try {
      lock = acquireLock(path.join(dir, LOCK_FILE), opts.command);
    } catch (e) {
      if (created !== null) removeEmptyUpTo(dir, created);
      throw e;
    }
    try {
      const held = describeHeldRun(dir);
      if (held !== null && !opts.force) {
        const resume = opts.resumable ? `resume it with --resume ${dir}, ` : '';
        throw new OutputError(dir, `holds another run (${held}); ${resume}replace it with --force, or choose another ${opts.flag}`);
      }
      return new RunFolder(dir, lock, created, opts.force);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** The folder of a run to resume: it must exist; it is locked and cleared of temp files left by a kill. */
  static existing(dir: string, command: string): RunFolder {
    let isFolder: boolean;
    try {
      isFolder = fs.statSync(dir).isDirectory();
    } catch (e) {
      const { code, problem } = describeWriteFailure(e);
      throw new OutputError(dir, code === 'ENOENT' ? 'folder not found' : problem, code);
    }
    if (!isFolder) throw new OutputError(dir, 'not a folder', 'ENOTDIR');
    const lock = acquireLock(path.join(dir, LOCK_FILE), command);
    const folder = new RunFolder(dir, lock, null, false);
    folder.started = true;
    folder.removeTemps();
    return folder;
  }

  /** The identity a fresh run wrote, or null (a run from an older nnc). */
  identity(): RunIdentity | null {
    const id = readIdentity(this.dir);
    return id !== null && id.format === 'nnc-run' && typeof id.modelSha256 === 'string' ? id : null;
  }

  /** Called once the run is planned: a forced run removes the old run's files now, then records its identity. */
  begin(identity: RunIdentity | null): void {
    if (this.started) return;
    if (this.force) clearRun(this.dir);
    this.removeTemps();
    if (identity !== null) writeFileAtomic(path.join(this.dir, RUN_FILE), JSON.stringify(identity, null, 1) + '\n');
    this.started = true;
  }

  /** Unlocks; a folder this run created but never used is removed again. */
  release(): void {
    this.lock.release();
    if (!this.started && this.created !== null) removeEmptyUpTo(this.dir, this.created);
  }

  private removeTemps(): void {
    removeStaleTemps(this.dir);
    removeStaleTemps(path.join(this.dir, CHECKPOINTS_DIR));
  }
}

/** A few words naming the run (or run files) in `dir`, or null when it holds none. */
export function describeHeldRun(dir: string): string | null {
  const own = runOutputsIn(dir);
  const subRuns = subfolders(dir).filter((sub) => describeHeldRun(sub) !== null);
  if (own.length === 0 && subRuns.length === 0) return null;
  const id = readIdentity(dir);
  const epochs = safeEpochs(dir);
  const last = epochs.length > 0 ? `, checkpointed up to epoch ${epochs[epochs.length - 1]}` : '';
  if (id !== null) return `model ${id.model}, seed ${id.seed}${last}`;
  const files = [...subRuns.map((s) => path.basename(s) + '/'), ...own];
  const more = files.length > 4 ? ` and ${files.length - 4} more` : '';
  return `${files.slice(0, 4).join(', ')}${more}${last}`;
}

function readIdentity(dir: string): RunIdentity | null {
  try {
    const raw = JSON.parse(readRegularFile(path.join(dir, RUN_FILE), READ_LIMITS.record).toString('utf8')) as Partial<RunIdentity>;
    return typeof raw.model === 'string' && typeof raw.seed === 'number' ? raw as RunIdentity : null;
  } catch {
    return null;
  }
}

function safeEpochs(dir: string): number[] {
  try {
    return listCheckpoints(dir);
  } catch {
    return [];
  }
}

/** Removes nnc's own files from `dir` and from sub-run folders (a comparison's); nothing else. */
function clearRun(dir: string): void {
  for (const sub of subfolders(dir)) {
    if (describeHeldRun(sub) === null) continue;
    clearRun(sub);
    if (fs.readdirSync(sub).length === 0) fs.rmdirSync(sub);
  }
  for (const name of runOutputsIn(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
}

function subfolders(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !RUN_OUTPUTS.includes(e.name))
      .map((e) => path.join(dir, e.name))
      .filter((sub) => fs.existsSync(path.join(sub, RUN_FILE)) || fs.existsSync(path.join(sub, CHECKPOINTS_DIR)));
  } catch {
    return [];
  }
}

/** Removes `dir` and its empty parents up to `top` (the first folder this run created). */
function removeEmptyUpTo(dir: string, top: string): void {
  let at = path.resolve(dir);
  const stop = path.dirname(path.resolve(top));
  while (at !== stop && at.length > stop.length) {
    try {
      fs.rmdirSync(at);
    } catch {
      return;
    }
    at = path.dirname(at);
  }
}

/** The run folder of a --resume argument, which may name the run or its checkpoints folder. */
export function runDirOf(resumeDir: string): string {
  const absolute = path.resolve(resumeDir);
  const named = path.basename(absolute) === CHECKPOINTS_DIR && !fs.existsSync(path.join(absolute, CHECKPOINTS_DIR));
  return named ? path.dirname(absolute) : resumeDir;
}
