// What the engine worker holds once the model is loaded, and the moves on it that loading
// and training share: which engine runs (the backend can change between training runs, the
// weights and optimizer state moving with it) and classifying the sample digits.

import type { CompiledModelFiles } from '../format/manifest';
import type { Dataset } from '../runtime/data/dataset';
import type { Engine } from '../runtime/engine';
import { predict } from '../runtime/train/evaluate';
import { createWebEngine } from '../runtime/web';
import type { Backend, EngineInfo } from './protocol';
import type { SiteConfig } from './site';

export interface Loaded {
  readonly site: SiteConfig;
  readonly compiled: CompiledModelFiles;
  readonly train: Dataset;
  readonly test: Dataset;
  readonly threads: number;
  engine: Engine;
  backend: Backend;
  /** Training runs so far: each run after the first shuffles with its own seed. */
  runs: number;
  /** Aborts the running training, or null when none runs. */
  training: AbortController | null;
}

export function engineInfo(l: Loaded): EngineInfo {
  return { backend: l.backend, description: l.engine.description };
}

/** The engine on `backend`, the weights and optimizer state carried over from the current one. */
export async function switchEngine(l: Loaded, backend: Backend, notice: (line: string) => void): Promise<void> {
  if (l.backend === backend) return;
  const next = await createWebEngine(l.compiled, { backend, seed: l.site.seed, threads: l.threads, notice });
  next.setState(l.engine.getState());
  l.engine.dispose();
  l.engine = next;
  // A gpu request that fell back runs on the CPU: say so by the engine's own description.
  l.backend = next.description.startsWith('gpu') ? 'gpu' : 'cpu';
}

/** The first site.samples test digits. */
export function sampleSet(l: Pick<Loaded, 'site' | 'test'>): Dataset {
  const n = Math.min(l.site.samples, l.test.count);
  const size = l.test.x.length / l.test.count;
  return { ...l.test, x: l.test.x.subarray(0, n * size), labels: l.test.labels.subarray(0, n), count: n };
}

export function classifySamples(l: Loaded): Float32Array {
  return predict(l.engine, sampleSet(l), l.site.defaultBatchSize);
}
