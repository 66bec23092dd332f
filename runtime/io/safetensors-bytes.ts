// safetensors (huggingface/safetensors) to and from bytes in memory, with no file system:
// what a page downloads and fetches, and what safetensors.ts writes to and reads from disk.
// A u64 little-endian header length N, N bytes of JSON (padded with spaces so the data
// starts 8-byte aligned) mapping each tensor name to {dtype, shape, data_offsets} plus an
// optional `__metadata__` string map, then the tensors' little-endian bytes back to back
// with no holes. nnc writes and reads F32 only.

import type { NamedTensor } from '../engine';
import { WeightsFileError } from './errors';
import { copyF32FromLE, copyF32ToLE } from './f32-bytes';
import { parseHeader } from './safetensors-header';

const METADATA_KEY = '__metadata__';

/** Byte order of the names' UTF-8, as the reference implementation orders the data. */
function compareUtf8(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** The file's bytes; `where` names it in errors (a path, or a download's name). */
export function encodeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string> | undefined, where: string): Uint8Array<ArrayBuffer> {
  checkWritable(where, tensors);
  // Ordering the data by name as the reference implementation does makes files byte-identical.
  const ordered = [...tensors].sort((a, b) => compareUtf8(a.name, b.name));
  let offset = 0;
  const entries: string[] = [];
  for (const t of ordered) {
    entries.push(`${JSON.stringify(t.name)}:${JSON.stringify({ dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] })}`);
    offset += t.data.length * 4;
  }
  // JSON.stringify would move integer-like keys ("0", "1") first; build the object text in our order.
  const json = '{' + [...(metadata === undefined ? [] : [`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`]), ...entries].join(',') + '}';
  const headerBytes = new TextEncoder().encode(json);
  const headerLength = Math.ceil(headerBytes.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset).fill(0x20, 0, 8 + headerLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerLength;
  for (const t of ordered) {
    copyF32ToLE(t.data, out, at);
    at += t.data.length * 4;
  }
  return out;
}

function checkWritable(where: string, tensors: readonly NamedTensor[]): void {
  const seen = new Set<string>();
  for (const t of tensors) {
    if (t.name === METADATA_KEY) throw new WeightsFileError(where, `a tensor cannot be named ${METADATA_KEY}`);
    if (seen.has(t.name)) throw new WeightsFileError(where, `duplicate tensor name ${JSON.stringify(t.name)}`);
    seen.add(t.name);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new WeightsFileError(where, `tensor ${JSON.stringify(t.name)} has an invalid shape [${t.shape.join(', ')}]`);
    }
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) {
      throw new WeightsFileError(where, `tensor ${JSON.stringify(t.name)} has shape [${t.shape.join(', ')}] (${size} values) but ${t.data.length} values`);
    }
  }
}

/** The tensors (in file order) and metadata of a safetensors file's bytes, validated as the reference does. */
export function decodeSafetensors(bytes: Uint8Array, where: string): { tensors: NamedTensor[]; metadata: Record<string, string> } {
  const { entries, metadata, dataStart } = parseHeader(bytes, where);
  const tensors = entries.map((e) => ({ name: e.name, shape: e.shape, data: copyF32FromLE(bytes, dataStart + e.begin, (e.end - e.begin) / 4) }));
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
