// Picks and builds an Engine for a compiled model.

import type { CompiledModel } from '../../compiler/pipeline';
import type { Engine } from '../engine';
import { createReferenceEngine } from './reference/engine';

export type BackendName = 'cpu' | 'gpu' | 'reference';

export interface EngineOptions {
  readonly backend: BackendName;
  readonly seed: number;
  /** Where to say one-line notices (a backend falling back, say). */
  readonly notice?: (line: string) => void;
}

export async function createEngine(model: CompiledModel, opts: EngineOptions): Promise<Engine> {
  switch (opts.backend) {
    case 'reference':
      return createReferenceEngine(model, opts.seed);
    default:
      // The compiled backends plug in here as they land; until then the reference runs.
      (opts.notice ?? ((l: string) => process.stderr.write(l + '\n')))(`nnc: the ${opts.backend} backend is not built yet; running the float64 reference`);
      return createReferenceEngine(model, opts.seed);
  }
}
