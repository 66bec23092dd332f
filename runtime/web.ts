// nnc's runtime in a web page, with no Node API: a compiled model fetched from a URL, the
// same WebAssembly programs on Web Workers (a team started before the first step; see
// web-threads.ts) and the same gpu.js kernels on WebGL2 (WebGL1 where there is no WebGL2),
// the CPU programs where there is no WebGL at all. Bundled for the browser by `nnc web`.
//
//   const m = await loadModelFromUrl('model/', { weights: 'weights.safetensors' });
//   const probs = m.predict(images);
//
// The CPU programs block their thread while the team works (Atomics.wait), which a page's
// main thread may not do: there, or when the page is not cross-origin isolated (no shared
// memory to give workers), they run on one thread. Run the engine in a Web Worker to use
// every core, as the page nnc web writes does.

import type { CompiledModelFiles } from '../format/manifest';
import type { Engine } from './engine';
import { openCpuEngine } from './backends/cpu/cpu-engine';
import { WebWorkerTeam } from './backends/cpu/web-threads';
import type { PoolProvider } from './backends/cpu/pool';
import { openGpuContext, type GpuContext } from './backends/gpujs/gpu-context';
import { openGpuEngine } from './backends/gpujs/gpu-engine';
import { fetchBytes, fetchCompiledModel, type Fetch } from './model-fetch';
import { loadWeightsBytes } from './io/weights-bytes';
import { modelOver, type LoadedModel } from './model';
import { statisticsNeeded, trainedNormalization } from './data/normalize';

/** 'cpu' (the WebAssembly programs) or 'gpu' (gpu.js on WebGL). */
export type WebBackendName = 'cpu' | 'gpu';

export interface WebEngineOptions {
  readonly backend: WebBackendName;
  readonly seed: number;
  /** CPU threads (default: one per core where they can be used; see webThreads). */
  readonly threads?: number;
  /** One-line notices (a backend falling back, threads unavailable); default console.warn. */
  readonly notice?: (line: string) => void;
}

interface WebGlobals {
  readonly crossOriginIsolated?: boolean;
  readonly document?: unknown;
  readonly navigator?: { readonly hardwareConcurrency?: number };
}

/** How many CPU threads this context can use, and why only one when that is so. */
export function webThreads(): { threads: number; limit: string | null } {
  const g = globalThis as WebGlobals;
  if (g.crossOriginIsolated !== true) return { threads: 1, limit: 'the page is not cross-origin isolated (no shared memory for Web Workers; serve it with COOP/COEP headers, as nnc serve does)' };
  if (g.document !== undefined) return { threads: 1, limit: "the engine runs on the page's main thread, which cannot wait for workers (run it in a Web Worker)" };
  return { threads: Math.max(1, g.navigator?.hardwareConcurrency ?? 1), limit: null };
}

function threadsFor(requested: number | undefined, notice: (line: string) => void): number {
  const can = webThreads();
  if (requested === undefined) return can.threads;
  if (requested > 1 && can.limit !== null) {
    notice(`nnc: WebAssembly runs on one thread: ${can.limit}`);
    return 1;
  }
  return requested;
}

/** gpu.js on this page's WebGL (a canvas, or an OffscreenCanvas in a worker). */
export function openWebGpuContext(): GpuContext {
  return openGpuContext(() => {
    const g = globalThis as { OffscreenCanvas?: unknown; document?: unknown };
    if (g.document === undefined && g.OffscreenCanvas === undefined) return 'this worker has no OffscreenCanvas for WebGL';
    return 'the browser gives no WebGL context (WebGL is disabled or unsupported here)';
  });
}

/** The CPU engine; with more than one thread its Web Workers are started (and loaded) first. */
async function webCpuEngine(model: CompiledModelFiles, seed: number, threads: number): Promise<Engine> {
  const pools: PoolProvider = threads > 1 ? await WebWorkerTeam.start(threads) : { pool: () => { throw new Error('thread pool: one thread needs no pool'); }, dispose: () => undefined };
  return openCpuEngine(model, { seed, threads, pools });
}

/** An engine for `model` in this page or worker: 'gpu' falls back to the CPU with a notice. */
export async function createWebEngine(model: CompiledModelFiles, opts: WebEngineOptions): Promise<Engine> {
  const notice = opts.notice ?? ((line: string) => console.warn(line));
  const cpu = (): Promise<Engine> => webCpuEngine(model, opts.seed, threadsFor(opts.threads, notice));
  if (opts.backend === 'cpu') return cpu();
  const gpu = openGpuEngine(model, opts.seed, openWebGpuContext);
  if (!('reason' in gpu)) return gpu;
  notice(`nnc: no gpu.js backend (${gpu.reason}); running on the CPU backend`);
  return cpu();
}

export interface WebLoadOptions {
  /** URL of a safetensors file (weights or a checkpoint); without it, the seeded initial weights. */
  readonly weights?: string;
  readonly backend?: WebBackendName;
  readonly threads?: number;
  readonly seed?: number;
  readonly notice?: (line: string) => void;
  /** Default: the global fetch. */
  readonly fetch?: Fetch;
  /** What relative URLs are relative to (default: the page's or worker's location). */
  readonly origin?: string;
}

function defaultOrigin(): string | undefined {
  return (globalThis as { location?: { href: string } }).location?.href;
}

/** loadModel for a page: the compiled model under `url` and, optionally, weights from a URL. */
export async function loadModelFromUrl(url: string, opts: WebLoadOptions = {}): Promise<LoadedModel> {
  const fetchFn = opts.fetch ?? ((u: string) => fetch(u));
  const origin = opts.origin ?? defaultOrigin();
  const compiled = await fetchCompiledModel(url, fetchFn, origin);
  const m = compiled.manifest;
  const weights = opts.weights === undefined ? null : new URL(opts.weights, origin).href;
  const bytes = weights === null ? null : await fetchBytes(weights, fetchFn);
  const engine = await createWebEngine(compiled, { backend: opts.backend ?? 'cpu', seed: opts.seed ?? m.fit.seed, threads: opts.threads, notice: opts.notice });
  try {
    const metadata = bytes !== null && weights !== null ? loadWeightsBytes(engine, bytes, weights) : null;
    const normalization = metadata === null || weights === null ? null : trainedNormalization(metadata, weights, m.io.inputShape, statisticsNeeded(m.data));
    return modelOver(m, engine, normalization);
  } catch (e) {
    engine.dispose();
    throw e;
  }
}
