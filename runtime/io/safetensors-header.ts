// Parses and validates a safetensors header as the reference implementation does: the header
// fits in the file, is UTF-8 JSON starting with '{', every entry is well-formed, and the
// tensors' data_offsets tile the data section exactly (no gaps, no overlap, nothing left over).

import { WeightsFileError } from './errors';

export interface TensorEntry {
  readonly name: string;
  readonly shape: number[];
  /** Byte range within the data section. */
  readonly begin: number;
  readonly end: number;
}

export interface ParsedHeader {
  /** Sorted by data offset, i.e. in file order. */
  readonly entries: TensorEntry[];
  readonly metadata: Record<string, string>;
  /** Byte offset of the data section in the file. */
  readonly dataStart: number;
}

/** The reference implementation refuses headers above 100 MB. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

export function parseHeader(bytes: Uint8Array, path: string): ParsedHeader {
  const fail = (problem: string): never => { throw new WeightsFileError(path, `not a valid safetensors file: ${problem}`); };
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for the 8-byte header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLength} is above the 100 MB limit`);
  const n = Number(headerLength);
  if (8 + n > bytes.length) fail(`header length ${n} runs past the end of the ${bytes.length}-byte file`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(`header must start with '{', found ${JSON.stringify(text.slice(0, 1))}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(`header is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const root = json as Record<string, unknown>;
  const metadata = parseMetadata(root[METADATA_KEY], fail);
  const entries = Object.keys(root).filter((k) => k !== METADATA_KEY).map((name) => parseEntry(name, root[name], path, fail));
  entries.sort((a, b) => a.begin - b.begin);
  checkTiling(entries, bytes.length - 8 - n, fail);
  return { entries, metadata, dataStart: 8 + n };
}

function parseMetadata(value: unknown, fail: (problem: string) => never): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) return fail(`${METADATA_KEY} must be an object of strings`);
  const pairs = Object.entries(value);
  for (const [k, v] of pairs) {
    if (typeof v !== 'string') fail(`${METADATA_KEY} value for ${JSON.stringify(k)} is not a string`);
  }
  // fromEntries defines own properties, so a key like "__proto__" stays a plain key.
  return Object.fromEntries(pairs) as Record<string, string>;
}

function parseEntry(name: string, value: unknown, path: string, fail: (problem: string) => never): TensorEntry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(value)) return fail(`${where} is not an object`);
  const { dtype, shape, data_offsets: offsets } = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof dtype !== 'string') return fail(`${where} has no dtype`);
  if (!Array.isArray(shape) || !shape.every(isCount)) return fail(`${where} has an invalid shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[1] < offsets[0]) {
    return fail(`${where} has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  if (dtype !== 'F32') throw new WeightsFileError(path, `${where} has dtype ${dtype}; nnc reads F32 tensors only`);
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  const [begin, end] = offsets as [number, number];
  if (end - begin !== size * 4) {
    fail(`${where} has shape [${shape.join(', ')}] (${size * 4} bytes) but data_offsets [${begin}, ${end}] span ${end - begin} bytes`);
  }
  return { name, shape: shape as number[], begin, end };
}

/** The tensors must cover the data section from 0 to its end, back to back. */
function checkTiling(entries: readonly TensorEntry[], dataBytes: number, fail: (problem: string) => never): void {
  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected) {
      fail(`tensor ${JSON.stringify(e.name)} starts at data offset ${e.begin}, expected ${expected} (a gap or an overlap)`);
    }
    expected = e.end;
  }
  if (expected !== dataBytes) fail(`the tensors cover ${expected} data bytes but the file holds ${dataBytes}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
