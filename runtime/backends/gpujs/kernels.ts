// Compiles a compiled model's kernel sources with gpu.js and runs them in pipeline mode:
// results stay on the GPU as textures and feed the next kernel directly; readGpuValue
// brings one back.
//
// gpu.js's rules this code lives by: with `immutable: false` (used here) a kernel writes
// the same output texture on every call, so a result is valid until its kernel runs again;
// a kernel must never read its own output texture (double-buffer instead: adam.ts); a
// texture made with `immutable: true` must be deleted by its owner.

import type { GPU, IKernelRunShortcut, Texture } from 'gpu.js';
import type { GpuKernel } from '../../../format/manifest';

/** A tensor as a kernel takes it: flat row-major host data, or another kernel's output texture. */
export type GpuValue = Float32Array | Texture;

export interface CompiledGpuKernel {
  readonly source: GpuKernel;
  /** Runs on `inputs` (one per `source.args`) and `scalars` (one per `source.scalars`). */
  run(inputs: readonly GpuValue[], scalars?: readonly number[]): Texture;
  destroy(): void;
}

function isTexture(v: GpuValue): v is Texture {
  return !(v instanceof Float32Array);
}

/** Element count of a value: a texture's logical output size, an array's length. */
export function gpuValueSize(v: GpuValue): number {
  if (!isTexture(v)) return v.length;
  const dims = (v as unknown as { output: readonly number[] }).output;
  return dims.reduce((a, b) => a * b, 1);
}

function checkInputs(src: GpuKernel, inputs: readonly GpuValue[], scalars: readonly number[]): void {
  if (inputs.length !== src.args.length) throw new Error(`${src.label}: ${inputs.length} inputs given, the kernel takes ${src.args.length}`);
  if (scalars.length !== src.scalars.length) throw new Error(`${src.label}: ${scalars.length} scalars given, the kernel takes ${src.scalars.length}`);
  src.args.forEach((arg, i) => {
    const expected = arg.shape.reduce((a, b) => a * b, 1);
    const got = gpuValueSize(inputs[i]);
    if (got !== expected) throw new Error(`${src.label}: input ${i} has ${got} values, expected ${expected} for [${arg.shape.join(',')}]`);
  });
}

export function compileGpuKernel(gpu: GPU, source: GpuKernel, options: { immutable?: boolean } = {}): CompiledGpuKernel {
  const kernel: IKernelRunShortcut = gpu.createKernel(source.source, {
    output: [...source.output],
    precision: 'single',
    // gpu.js otherwise declares lowp floats and ints: harmless on desktop GL, which
    // ignores the qualifier, but wrong for float32 math (and index math) where honoured.
    tactic: 'precision',
    pipeline: true,
    immutable: options.immutable ?? false,
  });
  return {
    source,
    run(inputs, scalars = []) {
      checkInputs(source, inputs, scalars);
      return kernel(...(inputs as unknown as number[]), ...scalars) as unknown as Texture;
    },
    destroy: () => kernel.destroy(),
  };
}

/** A node's kernel, or (for an alias such as reshape) which input it passes through; the codegen's GpuNodeKernel has this form. */
export type GpuNodeSource =
  | (GpuKernel & { readonly kind: 'kernel' })
  | { readonly kind: 'alias'; readonly label: string; readonly input: number; readonly shape: readonly number[] };

export interface CompiledGpuNode {
  run(inputs: readonly GpuValue[]): GpuValue;
  destroy(): void;
}

/** Runs one node's kernel, or passes an alias's input through (the kernel tests run ops this way). */
export function compileGpuNode(gpu: GPU, plan: GpuNodeSource): CompiledGpuNode {
  if (plan.kind === 'alias') return { run: (inputs) => inputs[plan.input], destroy: () => undefined };
  const kernel = compileGpuKernel(gpu, plan);
  return { run: (inputs) => kernel.run(inputs), destroy: () => kernel.destroy() };
}

/** The value's data as a flat row-major Float32Array (a copy; textures are read back from the GPU). */
export function readGpuValue(v: GpuValue): Float32Array {
  if (!isTexture(v)) return Float32Array.from(v);
  const out = v.toArray();
  if (out instanceof Float32Array) return out;
  throw new Error('gpu.js returned a nested array for a 1-D kernel output');
}

const isDims = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0);
const isNames = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Why `v` is not a GpuKernel, or null when it is one. */
function kernelProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'not an object';
  const k = v as { [key: string]: unknown };
  if (typeof k.label !== 'string' || typeof k.source !== 'string') return 'label or source is not a string';
  if (!Array.isArray(k.args) || !k.args.every((a: unknown) => typeof a === 'object' && a !== null
    && typeof (a as { name?: unknown }).name === 'string' && isDims((a as { shape?: unknown }).shape))) return 'args are not {name, shape} pairs';
  if (!isNames(k.scalars)) return 'scalars are not names';
  if (!isDims(k.shape) || !isDims(k.output) || k.output.length !== 1) return 'shape or output is malformed';
  return null;
}

/** A program's kernel file (UTF-8 JSON of GpuKernel[]), checked field by field; throws naming `file` when malformed. */
export function parseGpuKernels(bytes: Uint8Array, file: string): GpuKernel[] {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new Error(`${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!Array.isArray(data)) throw new Error(`${file}: expected a list of gpu.js kernels`);
  data.forEach((k: unknown, i) => {
    const problem = kernelProblem(k);
    if (problem) throw new Error(`${file}: kernel ${i}: ${problem}`);
  });
  return data as GpuKernel[];
}
