// Test-local harness for generated WAT kernels: assemble, instantiate over a shared memory,
// read/write f32 regions, and run a kernel on several threads through worker_threads.

import { Worker } from 'node:worker_threads';
import { assembleWat, moduleText, sharedMemory, type WatFunction } from '../../../../../compiler/codegen/cpu/wat/module';
import { withMathHelpers } from '../../../../../compiler/codegen/cpu/wat/math';

export interface KernelModule {
  readonly memory: WebAssembly.Memory;
  readonly bytes: Uint8Array;
  /** Runs kernel `name` as thread `tid` of `nth` on the calling thread. */
  run(name: string, tid?: number, nth?: number): void;
  /** Calls an exported function with arbitrary arguments (math helpers). */
  call(name: string, ...args: number[]): number;
  f32(byteOffset: number, length: number): Float32Array;
  i32(byteOffset: number, length: number): Int32Array;
}

export async function loadKernels(functions: readonly WatFunction[], memoryBytes: number): Promise<KernelModule> {
  const pages = Math.max(1, Math.ceil(memoryBytes / 65536));
  const bytes = await assembleWat(moduleText({ functions: withMathHelpers(functions), pages }));
  const memory = sharedMemory(pages);
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(bytes), { env: { memory } });
  const exported = (name: string): ((...args: number[]) => number | void) => {
    const f = instance.exports[name];
    if (typeof f !== 'function') throw new Error(`no exported function ${name}`);
    return f;
  };
  return {
    memory, bytes,
    run: (name, tid = 0, nth = 1) => { exported(name)(tid, nth); },
    call: (name, ...args) => exported(name)(...args) as number,
    f32: (off, n) => new Float32Array(memory.buffer, off, n),
    i32: (off, n) => new Int32Array(memory.buffer, off, n),
  };
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { bytes, memory, name, tid, nth } = workerData;
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
instance.exports[name](tid, nth);
parentPort.postMessage('done');
`;

/** Runs kernel `name` on `nth` worker threads at once over the module's shared memory. */
export async function runOnThreads(mod: KernelModule, name: string, nth: number): Promise<void> {
  const runs = Array.from({ length: nth }, (_, tid) => new Promise<void>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bytes: mod.bytes, memory: mod.memory, name, tid, nth } });
    worker.once('message', () => { void worker.terminate().then(() => resolve()); });
    worker.once('error', reject);
  }));
  await Promise.all(runs);
}

/** Float32 tolerance check against a float64 reference; returns the first mismatch or null. */
export function firstMismatch(got: ArrayLike<number>, want: ArrayLike<number>, atol = 1e-4, rtol = 1e-3): string | null {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) return `[${i}]: got ${g}, want ${w}`;
  }
  return null;
}
