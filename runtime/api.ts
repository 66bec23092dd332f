// The inference API that ships with nnc: load a compiled model (from `nnc build`) with its
// trained weights and classify examples, with no compiler in the process.
//
//   const m = await loadModel('mnist-prelu.nnc', { weights: 'weights.safetensors' });
//   const probs = m.predict(images);        // count * classes probabilities, row-major
//   const { loss, accuracy } = m.evaluate(images, labels);
//   m.dispose();

import type { CompiledModelFiles } from '../format/manifest';
import { createEngine, type CompiledBackendName } from './backends/index';
import type { HostOps } from './backends/cpu/host-ops';
import type { FmaChoice } from './backends/cpu/multiply-add';
import { readCompiledModel } from './model-files';
import { loadTrainedWeights } from './io/weights';
import { statisticsNeeded } from './data/normalize';
import { modelOver, type LoadedModel } from './model';

export type { LoadedModel, Examples, Labels, NestedNumbers } from './model';

export interface LoadOptions {
  /** A safetensors file from nnc train (weights or a checkpoint); without it, the seeded initial weights. */
  readonly weights?: string;
  /** 'cpu' (WebAssembly, the default) or 'gpu' (gpu.js on WebGL; falls back to the CPU with a notice). */
  readonly backend?: CompiledBackendName;
  /** CPU worker threads (default: one per core). */
  readonly threads?: number;
  /** Seed of the initial weights when no weights are given (default: the model's fit.seed). */
  readonly seed?: number;
  /** One-line notices (a backend falling back); default stderr. */
  readonly notice?: (line: string) => void;
  /** Host implementations of ops a CPU program runs outside WebAssembly (rare; the nnc CLI supplies them). */
  readonly hostOps?: HostOps;
  /**
   * The CPU programs' multiply-add form: 'auto' (default) runs the fused form (relaxed SIMD's
   * f32x4.relaxed_madd) where the engine validates it, 'on' requires it (in Node 20 it turns
   * on V8's flag for it), 'off' runs the exact form. The forms differ in each multiply-add's rounding.
   */
  readonly fma?: FmaChoice;
}

export async function loadModel(source: string | CompiledModelFiles, opts: LoadOptions = {}): Promise<LoadedModel> {
  const compiled = typeof source === 'string' ? readCompiledModel(source) : source;
  const m = compiled.manifest;
  const engine = await createEngine(compiled, {
    backend: opts.backend ?? 'cpu', seed: opts.seed ?? m.fit.seed, threads: opts.threads, notice: opts.notice, hostOps: opts.hostOps, fma: opts.fma,
  });
  try {
    const normalization = opts.weights === undefined ? null : loadTrainedWeights(engine, opts.weights, m.io.inputShape, statisticsNeeded(m.data));
    return modelOver(m, engine, normalization);
  } catch (e) {
    engine.dispose();
    throw e;
  }
}
