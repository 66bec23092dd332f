// The safetensors format (huggingface/safetensors): a u64 little-endian header length N,
// N bytes of JSON (padded with spaces so the data starts 8-byte aligned) mapping each tensor
// name to {dtype, shape, data_offsets} plus an optional `__metadata__` string map, then the
// tensors' little-endian bytes back to back with no holes. nnc writes and reads F32 only.

import * as fs from 'fs';
import type { NamedTensor } from '../engine';
import { writeFileAtomic } from './atomic';
import { WeightsFileError } from './errors';
import { copyF32FromLE, copyF32ToLE } from './f32-bytes';
import { parseHeader } from './safetensors-header';

const METADATA_KEY = '__metadata__';

export function writeSafetensors(path: string, tensors: readonly NamedTensor[], metadata?: Record<string, string>): void {
  checkWritable(path, tensors);
  // The reference implementation orders the data by name (byte order); doing the same makes files byte-identical.
  const ordered = [...tensors].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header[METADATA_KEY] = metadata;
  let offset = 0;
  const entries: [string, unknown][] = [];
  for (const t of ordered) {
    entries.push([t.name, { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] }]);
    offset += t.data.length * 4;
  }
  // JSON.stringify would move integer-like keys ("0", "1") first; build the object text in our order.
  const json = '{' + [
    ...(metadata === undefined ? [] : [`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`]),
    ...entries.map(([name, info]) => `${JSON.stringify(name)}:${JSON.stringify(info)}`),
  ].join(',') + '}';
  const headerBytes = Buffer.from(json, 'utf8');
  const headerLength = Math.ceil(headerBytes.length / 8) * 8;
  const out = Buffer.alloc(8 + headerLength + offset, 0x20);
  out.writeBigUInt64LE(BigInt(headerLength), 0);
  headerBytes.copy(out, 8);
  let at = 8 + headerLength;
  for (const t of ordered) {
    copyF32ToLE(t.data, out, at);
    at += t.data.length * 4;
  }
  writeFileAtomic(path, out);
}

function checkWritable(path: string, tensors: readonly NamedTensor[]): void {
  const seen = new Set<string>();
  for (const t of tensors) {
    if (t.name === METADATA_KEY) throw new WeightsFileError(path, `a tensor cannot be named ${METADATA_KEY}`);
    if (seen.has(t.name)) throw new WeightsFileError(path, `duplicate tensor name ${JSON.stringify(t.name)}`);
    seen.add(t.name);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new WeightsFileError(path, `tensor ${JSON.stringify(t.name)} has an invalid shape [${t.shape.join(', ')}]`);
    }
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) {
      throw new WeightsFileError(path, `tensor ${JSON.stringify(t.name)} has shape [${t.shape.join(', ')}] (${size} values) but ${t.data.length} values`);
    }
  }
}

export function readSafetensors(path: string): { tensors: NamedTensor[]; metadata: Record<string, string> } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new WeightsFileError(path, code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`);
  }
  const { entries, metadata, dataStart } = parseHeader(bytes, path);
  const tensors = entries.map((e) => ({
    name: e.name,
    shape: e.shape,
    data: copyF32FromLE(bytes, dataStart + e.begin, (e.end - e.begin) / 4),
  }));
  return { tensors, metadata };
}

/**
 * Throws naming the first tensor the model expects but `got` lacks, or has with another shape,
 * then the first tensor in `got` that the model does not have.
 */
export function checkTensorsMatch(
  expected: readonly { readonly name: string; readonly shape: readonly number[] }[],
  got: readonly NamedTensor[],
  file: string,
): void {
  const byName = new Map(got.map((t) => [t.name, t]));
  for (const e of expected) {
    const t = byName.get(e.name);
    if (t === undefined) throw new WeightsFileError(file, `missing tensor ${JSON.stringify(e.name)} (the model expects shape [${e.shape.join(', ')}])`);
    const same = t.shape.length === e.shape.length && t.shape.every((d, i) => d === e.shape[i]);
    if (!same) {
      throw new WeightsFileError(file, `tensor ${JSON.stringify(e.name)} has shape [${t.shape.join(', ')}] but the model expects [${e.shape.join(', ')}]`);
    }
  }
  const expectedNames = new Set(expected.map((e) => e.name));
  const extra = got.find((t) => !expectedNames.has(t.name));
  if (extra !== undefined) {
    throw new WeightsFileError(file, `unexpected tensor ${JSON.stringify(extra.name)} with shape [${extra.shape.join(', ')}]; the model has no such parameter`);
  }
}
