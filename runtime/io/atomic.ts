// Writes a file so that readers see either the old contents or the new, never half of it:
// write a temp file in the same folder, fsync it, rename it over the target.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

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
    fs.rmSync(temp, { force: true });
    throw err;
  }
  syncDirectory(dir);
}

function writeAll(fd: number, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let offset = 0;
  while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
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
