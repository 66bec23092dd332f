// Picks and builds an Engine for a compiled model.

import type { CompiledModel } from '../../compiler/pipeline';
import type { Engine } from '../engine';
import { createReferenceEngine } from '../../testing/reference-engine';
import { createCpuEngine } from './cpu/engine';
import { createGpuEngine } from './gpujs/engine';

export type BackendName = 'cpu' | 'gpu' | 'reference';

export interface EngineOptions {
  readonly backend: BackendName;
  readonly seed: number;
  /** CPU backend threads (default: one per core). */
  readonly threads?: number;
  /** Where to say one-line notices (a backend falling back, say). */
  readonly notice?: (line: string) => void;
}

export async function createEngine(model: CompiledModel, opts: EngineOptions): Promise<Engine> {
  switch (opts.backend) {
    case 'reference':
      return createReferenceEngine(model, opts.seed);
    case 'cpu':
      return createCpuEngine(model, opts.seed, opts.threads);
    case 'gpu': {
      const gpu = await createGpuEngine(model, opts.seed);
      if (!('reason' in gpu)) return gpu;
      (opts.notice ?? ((l: string) => process.stderr.write(l + '\n')))(`nnc: no WebGL context for --backend gpu (${gpu.reason}); running on the CPU backend`);
      return createCpuEngine(model, opts.seed, opts.threads);
    }
  }
}
