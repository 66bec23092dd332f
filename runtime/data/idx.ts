// The IDX format of the MNIST files: two zero bytes, a data-type byte, the number of
// dimensions, then one big-endian u32 per dimension and the data. Only unsigned bytes
// (0x08) are supported; that is what every MNIST-style file uses.

import * as crypto from 'crypto';
import * as zlib from 'zlib';
import { DataError } from './errors';
import { FileReadError, READ_LIMITS, readRegularFile } from '../io/read-file';
import { formatBytes } from '../../format/limits';

export interface IdxArray {
  readonly dims: number[];
  readonly data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64',
};

/** IDX bytes of unsigned-byte data of shape `dims` (what readIdx reads back). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, (UNSIGNED_BYTE << 8) | dims.length, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

export function readIdx(path: string): IdxArray {
  return readIdxFile(path).idx;
}

/** The file's IDX array and the SHA-256 of its bytes as stored (a resumed run checks its data by it). */
export function readIdxFile(path: string): { idx: IdxArray; sha256: string } {
  const raw = readRaw(path);
  return { idx: parseIdx(inflate(raw, path), path), sha256: crypto.createHash('sha256').update(raw).digest('hex') };
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

function readRaw(path: string): Buffer {
  try {
    return readRegularFile(path, READ_LIMITS.data);
  } catch (err) {
    if (err instanceof FileReadError) throw new DataError(path, err.code === 'EISDIR' ? 'is a directory, not an IDX file' : err.problem);
    throw err;
  }
}

/** Inflates gzip-compressed bytes (known by the name or the first bytes), up to the same limit as a plain file. */
function inflate(raw: Buffer, path: string): Uint8Array {
  const gzipped = path.endsWith('.gz') || (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b);
  if (!gzipped) return raw;
  try {
    return zlib.gunzipSync(raw, { maxOutputLength: READ_LIMITS.data });
  } catch (err) {
    const tooLong = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new DataError(path, tooLong ? `decompresses to more than ${formatBytes(READ_LIMITS.data)}` : `cannot decompress gzip data (${errorText(err)})`);
  }
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
