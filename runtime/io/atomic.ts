// Writes a file so that readers see either the old contents or the new, never half of it:
// write a temp file in the same folder, fsync it, rename it over the target. A failed write
// removes its temp file; the write is synchronous, so no signal handler runs in the middle
// of one, and only a kill -9 can leave a temp file behind, which the next run in that folder
// removes (removeStaleTemps).

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { OutputError, describeWriteFailure } from './output-errors';

/** What a write cut short leaves behind: `.<target>.<pid>.<random>.tmp`. */
export const TEMP_FILE = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

export function writeFileAtomic(target: string, data: Uint8Array | string): void {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(temp, 'wx', 0o644);
    writeAll(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(temp, target);
  } catch (err) {
    if (fd !== null) closeQuietly(fd);
    removeQuietly(temp);
    const { code, problem } = describeWriteFailure(err);
    throw new OutputError(target, `cannot write: ${problem}`, code);
  }
  syncDirectory(dir);
}

/** Removes the temp files writes cut short left in `dir` (its owner must be sure no write is under way there). */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((name) => TEMP_FILE.test(name));
  for (const name of stale) fs.rmSync(path.join(dir, name), { force: true });
  return stale;
}

function writeAll(fd: number, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let offset = 0;
  while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
}

/** Removes a temp file; its folder may be gone or a file now (the write failed for that reason). */
function removeQuietly(file: string): void {
  try { fs.rmSync(file, { force: true }); } catch { /* nothing left to remove there */ }
}

function closeQuietly(fd: number): void {
  try { fs.closeSync(fd); } catch { /* the write already failed; report that error, not this one */ }
}

/** Makes the rename itself durable; some filesystems cannot fsync a folder, which is harmless. */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not supported here (e.g. some network or Windows filesystems): the file itself is synced.
  } finally {
    if (fd !== null) closeQuietly(fd);
  }
}
