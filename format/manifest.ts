// The compiled model: what `nnc build` writes and the runtime loads. A folder holds
// manifest.json (this file's Manifest) beside the binaries it names: one .wasm module per
// CPU program and one JSON file of gpu.js kernel sources per GPU program. Everything here
// is plain JSON data; the runtime reads it without the compiler. docs/compiled-model.md
// documents the format.

import type { ConstraintSpec, DataSpec, FitSpec, InitializerSpec, LossName, OptimizerSpec, RegularizerSpec } from './spec';

export const MANIFEST_FILE = 'manifest.json';
export const FORMAT_NAME = 'nnc-compiled-model';
/** Bumped whenever a runtime of the previous version could misread a new manifest. */
export const FORMAT_VERSION = 2;

/** The training program's output holding state param `name`'s value after the step (see Manifest.state). */
export const stateOutput = (name: string): string => `state:${name}`;

/** A JSON value (the attributes of a host step, say). */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

export interface ParamInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly initializer: InitializerSpec;
  readonly regularizer: RegularizerSpec | null;
  readonly constraint: ConstraintSpec | null;
}

/** What a batch of examples looks like to the model, per example (no batch axis). */
export interface ModelIO {
  readonly inputShape: readonly number[];
  readonly inputSize: number;
  /** Values per example in the label buffer: the classes for one-hot labels, 1 for sparse ones. */
  readonly labelSize: number;
  readonly classes: number;
  readonly sparse: boolean;
  /** The model's output per example (its probabilities, for a classifier). */
  readonly outputShape: readonly number[];
  /**
   * A one-unit binary classifier (binary cross-entropy): class 1 where the output exceeds this
   * (0.5 for a probability, 0 for a logit), fed one 0/1 label per example. Absent: arg-max.
   */
  readonly threshold?: number;
  /** k of the model's top-k accuracy metric; absent without one. */
  readonly topK?: number;
}

export type ProgramMode = 'train' | 'infer';

/** Where a value lies in a CPU program's memory: a byte offset and its concrete shape. */
export interface Slot {
  readonly offset: number;
  readonly shape: readonly number[];
}

/**
 * A node the program runs on the host (an op without a WebAssembly form): its inputs and
 * output are slots of the program's memory. The runtime needs a host-op table for it
 * (the CLI supplies one from the compiler's float64 reference).
 */
export interface HostNode {
  readonly id: number;
  readonly op: string;
  readonly attrs: { readonly [k: string]: Json };
  readonly inputs: readonly Slot[];
  readonly output: Slot;
}

export type CpuStep =
  | { readonly kind: 'wasm'; readonly segment: string }
  | { readonly kind: 'host'; readonly node: HostNode };

/** Params, grads and optimizer slots each in one region of the same internal layout (one update kernel). */
export interface CpuUpdateLayout {
  readonly count: number;
  readonly params: number;
  readonly grads: number;
  readonly slots: { readonly [slot: string]: number };
  readonly lrSlot: number;
  readonly stepSlot: number;
  readonly paramOffsets: readonly number[];
}

/**
 * One CPU program: a WebAssembly module specialised to one mode and batch size. Its exports
 * are the segments, each called as (tid, nth) on every thread; barriers inside make it run
 * on any thread count with the same result.
 */
export interface CpuProgram {
  readonly mode: ProgramMode;
  readonly batch: number;
  /** The .wasm file, relative to the compiled model's folder. */
  readonly file: string;
  /**
   * The same program with the micro-kernels' multiply-adds as f32x4.relaxed_madd (relaxed
   * SIMD), for engines that validate it; null when the program has no multiply-add.
   */
  readonly fmaFile: string | null;
  /** Pages of the shared memory the module imports as env.memory. */
  readonly pages: number;
  /** Byte address of the barriers' abort flag. */
  readonly abortAddress: number;
  /**
   * Byte address of the masks' xoshiro128** states (four u32 each), or -1 when no mask is
   * drawn. Thread t of e = min(threads, rngStreams) draws values [rngDraws*t/e,
   * rngDraws*(t+1)/e) of the one mask sequence from the state at rngState + 16t: Rng(seed)'s
   * state jumped ahead by rngDraws*t/e draws (format/rng-jump.ts).
   */
  readonly rngState: number;
  /** Threads that can draw masks (0 when none is drawn). */
  readonly rngStreams: number;
  /** Values the masks draw per run. */
  readonly rngDraws: number;
  readonly steps: readonly CpuStep[];
  /** x and labels. */
  readonly inputs: { readonly [name: string]: Slot };
  /** loss and probs; in a training program also grad:<param> for every param. */
  readonly outputs: { readonly [name: string]: Slot };
  readonly params: { readonly [name: string]: Slot };
  /** Constants to fill once after instantiation. */
  readonly constants: readonly { readonly offset: number; readonly count: number; readonly value: number }[];
  /** The compiled optimizer update of a training program; null: the runtime updates in JS. */
  readonly update: CpuUpdateLayout | null;
}

/** A gpu.js kernel's source and its calling convention (flat row-major tensors in, 1-D output out). */
export interface GpuKernel {
  readonly label: string;
  readonly args: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly scalars: readonly string[];
  /** `function (x0, x1, ...) { ... }` in gpu.js's JavaScript subset. */
  readonly source: string;
  readonly shape: readonly number[];
  readonly output: readonly [number];
}

/** How a GPU program obtains each value, in order. */
export type GpuStep =
  | { readonly kind: 'input'; readonly value: number; readonly name: string }
  | { readonly kind: 'param'; readonly value: number; readonly name: string }
  | { readonly kind: 'constant'; readonly value: number; readonly count: number; readonly fill: number }
  | { readonly kind: 'mask'; readonly value: number; readonly count: number; readonly rate: number }
  | { readonly kind: 'kernel'; readonly value: number; readonly kernel: number; readonly inputs: readonly number[] }
  | { readonly kind: 'alias'; readonly value: number; readonly input: number };

/**
 * One param's optimizer update kernels, for a training program: one per optimizer slot (in
 * the order of format/optimizer-slots.ts), each (old slot, gradient, new earlier slots) ->
 * new slot, then (param, gradient, new slots) -> new param. Their `scalars` name the
 * uniforms the runtime supplies each step: lr, lrT, wdLr, gscale.
 */
export interface GpuParamUpdate {
  readonly slots: readonly number[];
  readonly param: number;
}

export interface GpuProgram {
  readonly mode: ProgramMode;
  readonly batch: number;
  /** JSON file of GpuKernel[] (the kernels' sources), relative to the compiled model's folder. */
  readonly file: string;
  readonly steps: readonly GpuStep[];
  /** Output name (loss, probs, grad:<param>) -> value id. */
  readonly outputs: { readonly [name: string]: number };
  /** Per param, in param order, for a training program; null otherwise. */
  readonly update: readonly GpuParamUpdate[] | null;
}

export interface LayerSummary {
  readonly name: string;
  readonly type: string;
  readonly outputShape: readonly (number | null)[];
  readonly params: number;
}

export interface Manifest {
  readonly format: typeof FORMAT_NAME;
  readonly version: number;
  /** The nnc version that compiled it. */
  readonly nnc: string;
  readonly name: string;
  readonly source: { readonly file: string; readonly sha256: string };
  readonly io: ModelIO;
  readonly loss: LossName;
  readonly layers: readonly LayerSummary[];
  readonly paramCount: number;
  /** The trainable params, which the optimizer updates (grad:<name> in a training program). */
  readonly params: readonly ParamInfo[];
  /**
   * Non-trainable state (batch norm's moving statistics): fed like params, saved with them in
   * weights and checkpoints, and replaced after each training step by the training program's
   * output `state:<name>`. Listed after the params; their initial values come after theirs.
   */
  readonly state: readonly ParamInfo[];
  readonly optimizer: OptimizerSpec;
  readonly fit: FitSpec;
  readonly data: DataSpec;
  readonly cpu: readonly CpuProgram[];
  readonly gpu: readonly GpuProgram[];
  /** Why there are no GPU programs (an op without a gpu.js kernel, say), or null. */
  readonly gpuRefusal: string | null;
  /** The forward (inference) and training graphs as IR text, for reading and for the float64 reference backend. */
  readonly graphs: { readonly forward: string; readonly training: string };
}

/** A compiled model in memory: the manifest and the files it names (path -> bytes). */
export interface CompiledModelFiles {
  readonly manifest: Manifest;
  readonly files: ReadonlyMap<string, Uint8Array>;
}
