// Reads an input file (data, weights, a checkpoint, a compiled model's parts) only when it is
// a regular file under a size limit: a FIFO would block the read forever and a device such
// as /dev/zero would be read until memory runs out. The file is opened without blocking and
// checked through its own descriptor, so it cannot be swapped between the check and the read.

import * as fs from 'fs';
import { formatBytes } from '../../format/limits';

const MiB = 1024 * 1024;
/** Limits by kind of file: generous for what nnc writes, small enough to stop a runaway read. */
export const READ_LIMITS = {
  /** An IDX file, compressed or not (MNIST's training images are 45 MiB). */
  data: 2048 * MiB,
  weights: 2048 * MiB,
  /** JSON: a checkpoint record, a manifest. */
  record: 256 * MiB,
  program: 1024 * MiB,
} as const;

/** Why a file could not be read, in words; callers wrap it in their own error class. */
export class FileReadError extends Error {
  override name = 'FileReadError';

  constructor(readonly file: string, readonly problem: string, readonly code: string) {
    super(`${file}: ${problem}`);
  }
}

export function readRegularFile(file: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw failure(file, e);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new FileReadError(file, 'is a folder, not a file', 'EISDIR');
    if (!st.isFile()) throw new FileReadError(file, `is ${kindOf(st)}, not a regular file`, 'ENOTREG');
    if (st.size > limit) throw new FileReadError(file, `is ${formatBytes(st.size)}, more than the ${formatBytes(limit)} nnc reads from such a file`, 'EFBIG');
    const bytes = Buffer.alloc(st.size);
    let at = 0;
    while (at < st.size) {
      const n = fs.readSync(fd, bytes, at, st.size - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === st.size ? bytes : bytes.subarray(0, at);
  } catch (e) {
    throw e instanceof FileReadError ? e : failure(file, e);
  } finally {
    fs.closeSync(fd);
  }
}

function failure(file: string, e: unknown): FileReadError {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  const problem = code === 'ENOENT' ? 'file not found'
    : code === 'EISDIR' ? 'is a folder, not a file'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'ELOOP' ? 'too many symbolic links'
          : code === 'ENAMETOOLONG' ? 'name too long'
            : `cannot read file (${code || (e instanceof Error ? e.message.split('\n')[0] : String(e))})`;
  return new FileReadError(file, problem, code);
}

function kindOf(st: fs.Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'something else';
}
