// Picks and builds an Engine for a compiled model: the CPU programs (WebAssembly) or the
// gpu.js programs, falling back to the CPU with a one-line notice where no WebGL context
// can be made.

import type { CompiledModelFiles } from '../../format/manifest';
import type { Engine } from '../engine';
import { createCpuEngine } from './cpu/engine';
import type { HostOps } from './cpu/host-ops';
import type { FmaChoice } from './cpu/multiply-add';
import { createGpuEngine } from './gpujs/engine';

export type BackendName = 'cpu' | 'gpu' | 'reference';
export type CompiledBackendName = Exclude<BackendName, 'reference'>;

export interface EngineOptions {
  readonly backend: CompiledBackendName;
  readonly seed: number;
  /** CPU backend threads (default: one per core). */
  readonly threads?: number;
  /** Where to say one-line notices (a backend falling back, say); default stderr. */
  readonly notice?: (line: string) => void;
  /** Host implementations of ops a CPU program runs outside WebAssembly (rare; see host-ops.ts). */
  readonly hostOps?: HostOps;
  /** The CPU programs' multiply-add form (default 'auto': fused where relaxed SIMD validates). */
  readonly fma?: FmaChoice;
}

export async function createEngine(model: CompiledModelFiles, opts: EngineOptions): Promise<Engine> {
  const cpu = (): Promise<Engine> => createCpuEngine(model, { seed: opts.seed, threads: opts.threads, hostOps: opts.hostOps, fma: opts.fma });
  if (opts.backend === 'cpu') return cpu();
  const gpu = await createGpuEngine(model, opts.seed);
  if (!('reason' in gpu)) return gpu;
  (opts.notice ?? ((l: string) => process.stderr.write(l + '\n')))(`nnc: no gpu.js backend (${gpu.reason}); running on the CPU backend`);
  return cpu();
}
