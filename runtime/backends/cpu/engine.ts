// The CPU engine in Node: a compiled model's WebAssembly programs on worker_threads, one
// thread per core unless told otherwise (cpu-engine.ts is the engine itself).

import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import type { CompiledModelFiles } from '../../../format/manifest';
import type { Engine } from '../../engine';
import { openCpuEngine } from './cpu-engine';
import type { HostOps } from './host-ops';
import { nodePools } from './threads';
import { relaxedSimdValidates, type FmaChoice } from './multiply-add';

export interface CpuEngineOptions {
  /** Seeds the initial weights. */
  readonly seed: number;
  /** Threads per program (default: one per core). */
  readonly threads?: number;
  /** Runs the programs' host steps; required when a program has any. */
  readonly hostOps?: HostOps;
  /** The programs' multiply-add form (default 'auto'); 'on' turns on V8's relaxed SIMD where it is behind a flag. */
  readonly fma?: FmaChoice;
}

export async function createCpuEngine(model: CompiledModelFiles, opts: CpuEngineOptions): Promise<Engine> {
  if (opts.fma === 'on') enableRelaxedSimd();
  return openCpuEngine(model, { seed: opts.seed, threads: opts.threads ?? availableParallelism(), hostOps: opts.hostOps, pools: nodePools, fma: opts.fma });
}

/**
 * Node 20's V8 has relaxed SIMD behind --experimental-wasm-relaxed-simd (on by default from
 * Node 22). V8 reads the flag when it compiles a module, and worker threads share it.
 */
export function enableRelaxedSimd(): void {
  if (!relaxedSimdValidates()) setFlagsFromString('--experimental-wasm-relaxed-simd');
}
