// Reads a model file only when it is a regular file of a sane size: a FIFO would block the
// read forever and a device (/dev/zero, say, through a symlink) would be read until memory
// runs out. The file is opened without blocking and checked through its own descriptor, so
// it cannot be swapped for something else between the check and the read.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Model files are short declarative TypeScript; anything larger is not one. */
export const MODEL_FILE_LIMIT = 4 * 1024 * 1024;

export type SourceRead = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly why: string };

export function readModelBytes(path: string, limit = MODEL_FILE_LIMIT): SourceRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { ok: false, why: openFailure(error) };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { ok: false, why: 'it is a directory' };
    if (!st.isFile()) return { ok: false, why: `it is ${kindOf(st)}, not a regular file` };
    if (st.size > limit) return { ok: false, why: `it is ${st.size} bytes, more than the ${limit} a model file may have` };
    const bytes = Buffer.alloc(st.size);
    let at = 0;
    while (at < st.size) {
      const n = readSync(fd, bytes, at, st.size - at, at);
      if (n === 0) break;
      at += n;
    }
    return { ok: true, bytes: bytes.subarray(0, at) };
  } catch (error) {
    return { ok: false, why: openFailure(error) };
  } finally {
    closeSync(fd);
  }
}

function openFailure(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'ELOOP') return 'too many symbolic links';
  return `cannot read it${code ? ` (${code})` : ''}`;
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}
