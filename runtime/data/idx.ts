// The IDX format of the MNIST files: two zero bytes, a data-type byte, the number of
// dimensions, then one big-endian u32 per dimension and the data, big-endian too. Every IDX
// element type is read: unsigned byte (0x08, what MNIST uses), signed byte, int16, int32,
// float32 and float64.

import * as crypto from 'crypto';
import * as zlib from 'zlib';
import { DataError } from './errors';
import { FileReadError, READ_LIMITS, readRegularFile } from '../io/read-file';
import { formatBytes } from '../../format/limits';

/** An IDX file's elements in their own type (a Uint8Array for unsigned bytes, a view of the file's bytes). */
export type IdxValues = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  readonly dims: number[];
  /** The data-type byte: 0x08 unsigned byte, 0x09 signed byte, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64. */
  readonly type: number;
  readonly data: IdxValues;
}

export const UNSIGNED_BYTE = 0x08;

interface ElementType {
  readonly name: string;
  readonly bytes: number;
  /** Reads `count` big-endian elements starting at byte `at`. */
  readonly read: (view: DataView, at: number, count: number) => IdxValues;
}

function reader<T extends IdxValues>(make: (n: number) => T, get: (v: DataView, at: number) => number, bytes: number): ElementType['read'] {
  return (view, at, count) => {
    const out = make(count);
    for (let i = 0; i < count; i++) out[i] = get(view, at + i * bytes);
    return out;
  };
}

const ELEMENT_TYPES: ReadonlyMap<number, ElementType> = new Map([
  [0x08, { name: 'unsigned byte', bytes: 1, read: (v, at, n) => new Uint8Array(v.buffer, v.byteOffset + at, n) }],
  [0x09, { name: 'signed byte', bytes: 1, read: (v, at, n) => new Int8Array(v.buffer, v.byteOffset + at, n) }],
  [0x0b, { name: 'int16', bytes: 2, read: reader((n) => new Int16Array(n), (v, at) => v.getInt16(at, false), 2) }],
  [0x0c, { name: 'int32', bytes: 4, read: reader((n) => new Int32Array(n), (v, at) => v.getInt32(at, false), 4) }],
  [0x0d, { name: 'float32', bytes: 4, read: reader((n) => new Float32Array(n), (v, at) => v.getFloat32(at, false), 4) }],
  [0x0e, { name: 'float64', bytes: 8, read: reader((n) => new Float64Array(n), (v, at) => v.getFloat64(at, false), 8) }],
]);

/** The name of an IDX data-type byte, for messages ('float32'). */
export function idxTypeName(type: number): string {
  return ELEMENT_TYPES.get(type)?.name ?? `0x${hex8(type)}`;
}

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
  const element = ELEMENT_TYPES.get(type);
  if (element === undefined) {
    throw new DataError(path, `unknown IDX data type 0x${hex8(type)} (magic ${hex32(magic)}); the types are 0x08 (unsigned byte), 0x09 (signed byte), `
      + '0x0b (int16), 0x0c (int32), 0x0d (float32) and 0x0e (float64)');
  }
  const ndims = bytes[3];
  if (ndims === 0) throw new DataError(path, `IDX file with 0 dimensions (magic ${hex32(magic)})`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DataError(path, `truncated IDX file: expected ${headerBytes} header bytes for ${ndims} dimensions, got ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * element.bytes;
  if (bytes.length < expected) {
    throw new DataError(path, `truncated IDX file: expected ${expected} bytes (dims [${dims.join(', ')}]), got ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new DataError(path, `IDX file too long: expected ${expected} bytes (dims [${dims.join(', ')}]), got ${bytes.length}`);
  }
  return { dims, type, data: element.read(view, headerBytes, count) };
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
