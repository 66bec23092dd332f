// The messages between the page (page.ts) and its engine worker (engine-worker.ts). The
// engine runs in the worker: there its WebAssembly threads may block, and WebGL runs on an
// OffscreenCanvas, while the page stays responsive.

import type { EpochRecord } from '../runtime/engine';
import type { SiteConfig } from './site';

export type Backend = 'cpu' | 'gpu';

export type ToWorker =
  | { readonly type: 'load'; readonly site: SiteConfig; readonly siteUrl: string; readonly threads: number | null }
  | { readonly type: 'predict'; readonly id: number; readonly x: Float32Array }
  | { readonly type: 'train'; readonly backend: Backend; readonly epochs: number; readonly batchSize: number; readonly maxSteps: number | null }
  | { readonly type: 'stop' }
  | { readonly type: 'weights' };

export interface EngineInfo {
  readonly backend: Backend;
  /** The engine's own description, e.g. `cpu (WebAssembly SIMD, 2 threads)`. */
  readonly description: string;
}

export interface TrainProgress {
  /** Steps taken in this run (1-based), and the epoch with its step. */
  readonly step: number;
  readonly epoch: number;
  readonly epochs: number;
  readonly epochStep: number;
  readonly epochSteps: number;
  /** This step's batch loss and accuracy; the epoch's running means. */
  readonly loss: number;
  readonly accuracy: number;
  readonly meanLoss: number;
  readonly meanAccuracy: number;
  readonly engine: EngineInfo;
}

export type FromWorker =
  | {
    readonly type: 'loaded';
    readonly engine: EngineInfo;
    /** Why WebAssembly runs on one thread, or null. */
    readonly threadLimit: string | null;
    /** The WebGL renderer, or null with why there is no WebGL. */
    readonly webgl: { readonly renderer: string; readonly version: string } | { readonly missing: string };
    readonly samples: { readonly x: Float32Array; readonly labels: Uint8Array | Int32Array; readonly probs: Float32Array };
  }
  | { readonly type: 'predicted'; readonly id: number; readonly probs: Float32Array }
  | { readonly type: 'progress'; readonly progress: TrainProgress }
  | { readonly type: 'epoch'; readonly record: EpochRecord }
  | {
    readonly type: 'trained';
    /** 'done', or 'stopped' (the stop button, or the step limit). */
    readonly how: 'done' | 'stopped';
    readonly steps: number;
    readonly engine: EngineInfo;
    readonly test: { readonly loss: number; readonly accuracy: number };
    readonly sampleProbs: Float32Array;
  }
  | { readonly type: 'weights'; readonly name: string; readonly bytes: Uint8Array<ArrayBuffer> }
  | { readonly type: 'notice'; readonly line: string }
  | { readonly type: 'error'; readonly message: string };
