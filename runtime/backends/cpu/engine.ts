// The CPU engine in Node: a compiled model's WebAssembly programs on worker_threads, one
// thread per core unless told otherwise (cpu-engine.ts is the engine itself).

import { availableParallelism } from 'node:os';
import type { CompiledModelFiles } from '../../../format/manifest';
import type { Engine } from '../../engine';
import { openCpuEngine } from './cpu-engine';
import type { HostOps } from './host-ops';
import { nodePools } from './threads';

export interface CpuEngineOptions {
  /** Seeds the initial weights. */
  readonly seed: number;
  /** Threads per program (default: one per core). */
  readonly threads?: number;
  /** Runs the programs' host steps; required when a program has any. */
  readonly hostOps?: HostOps;
}

export async function createCpuEngine(model: CompiledModelFiles, opts: CpuEngineOptions): Promise<Engine> {
  return openCpuEngine(model, { seed: opts.seed, threads: opts.threads ?? availableParallelism(), hostOps: opts.hostOps, pools: nodePools });
}
