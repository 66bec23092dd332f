// The IDX format of the MNIST files: two zero bytes, a data-type byte, the number of
// dimensions, then one big-endian u32 per dimension and the data. Only unsigned bytes
// (0x08) are supported; that is what every MNIST-style file uses.

import * as fs from 'fs';
import * as zlib from 'zlib';
import { DataError } from './errors';

export interface IdxArray {
  readonly dims: number[];
  readonly data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64',
};

export function readIdx(path: string): IdxArray {
  return parseIdx(readMaybeGzip(path), path);
}

/** Parses IDX bytes already in memory; `path` only names the source in errors. */
export function parseIdx(bytes: Uint8Array, path: string): IdxArray {
  if (bytes.length < 4) {
    throw new DataError(path, `truncated IDX file: expected at least 4 header bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(path, `wrong magic number ${hex32(magic)}: an IDX file starts with 0x0000`);
  }
  const type = bytes[2];
  if (type !== UNSIGNED_BYTE) {
    const known = TYPE_NAMES[type];
    const what = known === undefined ? 'unknown data type' : `data type ${known}`;
    throw new DataError(path, `unsupported IDX ${what} 0x${hex8(type)} (magic ${hex32(magic)}); only 0x08 (unsigned byte) is supported`);
  }
  const ndims = bytes[3];
  if (ndims === 0) throw new DataError(path, `IDX file with 0 dimensions (magic ${hex32(magic)})`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DataError(path, `truncated IDX file: expected ${headerBytes} header bytes for ${ndims} dimensions, got ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const dataBytes = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + dataBytes;
  if (bytes.length < expected) {
    throw new DataError(path, `truncated IDX file: expected ${expected} bytes (dims [${dims.join(', ')}]), got ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new DataError(path, `IDX file too long: expected ${expected} bytes (dims [${dims.join(', ')}]), got ${bytes.length}`);
  }
  return { dims, data: bytes.subarray(headerBytes, expected) };
}

/** Reads a file, inflating it when it is gzip-compressed (by its name or its first bytes). */
function readMaybeGzip(path: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(path);
  } catch (err) {
    throw new DataError(path, describeReadFailure(err));
  }
  const gzipped = path.endsWith('.gz') || (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b);
  if (!gzipped) return raw;
  try {
    return zlib.gunzipSync(raw);
  } catch (err) {
    throw new DataError(path, `cannot decompress gzip data (${errorText(err)})`);
  }
}

function describeReadFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory, not an IDX file';
  if (code === 'EACCES') return 'permission denied';
  return `cannot read file (${errorText(err)})`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

function hex8(n: number): string {
  return n.toString(16).padStart(2, '0');
}
