// A lock file that makes a folder one process's for a while (a training run's folder): it
// names its owner (pid, host, start time, command), is created complete or not at all (a
// temp file hard-linked into place, which fails if a lock exists), and is released on every
// exit path that can run. A lock whose owner is gone (same host, no such process) is stale
// and is taken over; a lock from another host cannot be checked, so it is refused.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputError, describeWriteFailure } from './output-errors';
import { readRegularFile } from './read-file';

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** ISO time the lock was taken. */
  readonly started: string;
  /** What holds it, e.g. `nnc train model.ts`. */
  readonly command: string;
}

export interface HeldLock {
  readonly file: string;
  /** The stale lock taken over, if there was one. */
  readonly replaced: LockOwner | null;
  release(): void;
}

/** Another live process holds the lock. */
export class LockHeldError extends OutputError {
  override name = 'LockHeldError';

  constructor(file: string, readonly owner: LockOwner | null, problem: string) {
    super(file, problem, 'ELOCKED');
  }
}

const held = new Set<string>();
let exitHookInstalled = false;

export function acquireLock(file: string, command: string): HeldLock {
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), command };
  let replaced: LockOwner | null = null;
  if (!tryCreate(file, owner)) {
    const current = readOwner(file);
    if (current !== null && !isStale(current, file)) throw heldBy(file, current);
    // Stale (or unreadable: a lock cut short before it was complete cannot be, but a damaged one can).
    removeStale(file);
    if (!tryCreate(file, owner)) throw heldBy(file, readOwner(file));
    replaced = current ?? { pid: 0, host: '?', started: '?', command: '(unreadable lock file)' };
  }
  held.add(file);
  installExitHook();
  return {
    file,
    replaced,
    release: () => {
      if (!held.delete(file)) return;
      removeIfOurs(file);
    },
  };
}

/** Who holds the lock on `file`, or null when nobody does (or the file is unreadable). */
export function readOwner(file: string): LockOwner | null {
  let text: string;
  try {
    // A lock file is a line of JSON; anything else (a FIFO planted there, say) is not read.
    text = readRegularFile(file, 64 * 1024).toString('utf8');
  } catch {
    return null;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid !== 'number' || typeof o.host !== 'string') return null;
    return { pid: o.pid, host: o.host, started: String(o.started ?? '?'), command: String(o.command ?? '?') };
  } catch {
    return null;
  }
}

/** A lock is stale when its owner ran on this host and that process is gone. */
export function isStale(owner: LockOwner, file: string): boolean {
  if (owner.host !== os.hostname()) return false;
  if (owner.pid === process.pid) return !held.has(file);
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function removeStale(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch (e) {
    const { code, problem } = describeWriteFailure(e);
    throw new OutputError(file, `is not a lock file nnc can replace (${problem}); remove it`, code);
  }
}

/** Creates the lock complete or not at all: false when one exists already. */
function tryCreate(file: string, owner: LockOwner): boolean {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(temp, JSON.stringify(owner) + '\n', { flag: 'wx' });
  } catch (e) {
    const { code, problem } = describeWriteFailure(e);
    throw new OutputError(path.dirname(file), `cannot write in this folder: ${problem}`, code);
  }
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // No hard links here (some network filesystems): exclusive create is the next best thing.
    return createExclusive(file, owner);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function createExclusive(file: string, owner: LockOwner): boolean {
  try {
    fs.writeFileSync(file, JSON.stringify(owner) + '\n', { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    const { code, problem } = describeWriteFailure(e);
    throw new OutputError(file, `cannot create the lock file: ${problem}`, code);
  }
}

function heldBy(file: string, owner: LockOwner | null): LockHeldError {
  const who = owner === null ? 'another process' : `${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.started})`;
  // A live pid may be another program's (pids are reused), and another host's cannot be checked.
  return new LockHeldError(path.dirname(file), owner, `in use by ${who}; if that run has ended, delete ${file}`);
}

function removeIfOurs(file: string): void {
  const owner = readOwner(file);
  if (owner !== null && owner.pid === process.pid && owner.host === os.hostname()) fs.rmSync(file, { force: true });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const file of held) {
      try { removeIfOurs(file); } catch { /* exiting: nothing more to do */ }
    }
  });
}
