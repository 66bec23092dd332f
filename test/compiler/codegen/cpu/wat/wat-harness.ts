// Test harness for generated kernels: lays tensors out in a fresh shared memory (every
// other byte filled with a sentinel so stray writes show), runs a kernel as $nth
// simulated threads, and compares with float64 references.

import { assembleWat, moduleText, sharedMemory, type WatFunction } from '../../../../../compiler/codegen/cpu/wat/module';

export interface Region {
  readonly offset: number;
  readonly floats: number;
}

/** Bump allocator over a memory: 16-byte aligned regions with a gap between them. */
export class Layout {
  private next = 64;
  readonly regions: Region[] = [];

  alloc(floats: number): Region {
    const r = { offset: this.next, floats };
    this.next = Math.ceil((this.next + 4 * floats + 32) / 16) * 16;
    this.regions.push(r);
    return r;
  }

  get bytes(): number { return this.next + 64; }
}

export const SENTINEL = 12345.5;

export interface Instance {
  readonly f32: Float32Array;
  readonly memory: WebAssembly.Memory;
  call(name: string, tid: number, nth: number): void;
  /** Runs `name` as nth threads one after another (valid for kernels without barriers). */
  runSplit(name: string, nth: number): void;
}

export async function instantiate(functions: readonly WatFunction[], bytes: number): Promise<Instance> {
  const pages = Math.ceil(bytes / 65536) + 1;
  const wasm = await assembleWat(moduleText({ functions, pages }));
  const memory = sharedMemory(pages);
  const module = await WebAssembly.compile(wasm);
  const inst = await WebAssembly.instantiate(module, { env: { memory } });
  const f32 = new Float32Array(memory.buffer);
  f32.fill(SENTINEL);
  const fn = (name: string): ((tid: number, nth: number) => void) => inst.exports[name] as (tid: number, nth: number) => void;
  return {
    f32,
    memory,
    call: (name, tid, nth) => fn(name)(tid, nth),
    runSplit: (name, nth) => { for (let t = 0; t < nth; t++) fn(name)(t, nth); },
  };
}

export function write(f32: Float32Array, r: Region, data: ArrayLike<number>): void {
  f32.set(data, r.offset / 4);
}

export function read(f32: Float32Array, r: Region): Float32Array {
  return f32.slice(r.offset / 4, r.offset / 4 + r.floats);
}

/** First index where actual and expected differ beyond atol + rtol*|expected|, or -1. */
export function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-4, rtol = 1e-3): number {
  if (actual.length !== expected.length) return 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) return i;
  }
  return -1;
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, atol = 1e-4, rtol = 1e-3): void {
  const i = mismatch(actual, expected, atol, rtol);
  if (i >= 0) throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (lengths ${actual.length}/${expected.length})`);
}

/** Throws if any float outside `written` (byte ranges) differs from its value in `before`. */
export function assertUntouched(after: Float32Array, before: Float32Array, written: readonly [number, number][]): void {
  const mask = new Uint8Array(after.length);
  for (const [from, to] of written) mask.fill(1, from / 4, to / 4);
  for (let i = 0; i < after.length; i++) {
    if (!mask[i] && !Object.is(after[i], before[i])) throw new Error(`stray write at byte ${4 * i}: ${before[i]} -> ${after[i]}`);
  }
}

/** Deterministic values in [-1, 1) from a seed (tests draw seeds with fast-check). */
export function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = (seed >>> 0) || 1;
  for (let i = 0; i < count; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Runs kernel phases in order, each as nth simulated threads (a barrier between phases). */
export function runPhases(inst: Instance, phases: readonly { name: string }[], nth: number): void {
  for (const ph of phases) inst.runSplit(ph.name, nth);
}
