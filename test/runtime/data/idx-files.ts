// Test helpers: build IDX files byte by byte and write them to a scratch folder.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

export function encodeIdx(dims: readonly number[], data: Uint8Array, typeByte = 0x08): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = typeByte;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

export function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-data-test-'));
}

export function writeIdx(file: string, dims: readonly number[], data: Uint8Array, gzip = false): string {
  const bytes = encodeIdx(dims, data);
  fs.writeFileSync(file, gzip ? zlib.gzipSync(bytes) : bytes);
  return file;
}
