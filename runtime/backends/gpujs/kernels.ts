// Compiles generated kernel source with gpu.js and runs it in pipeline mode: results stay
// on the GPU as textures and feed the next kernel directly; readGpuValue brings one back.
//
// gpu.js's rules this code lives by: with `immutable: false` (used here) a kernel writes
// the same output texture on every call, so a result is valid until its kernel runs again;
// a kernel must never read its own output texture (double-buffer instead: adam.ts); a
// texture made with `immutable: true` must be deleted by its owner.

import type { GPU, IKernelRunShortcut, Texture } from 'gpu.js';
import type { GpuKernelSource, GpuNodeKernel } from '../../../compiler/codegen/gpujs/kernel';

/** A tensor as a kernel takes it: flat row-major host data, or another kernel's output texture. */
export type GpuValue = Float32Array | Texture;

export interface CompiledGpuKernel {
  readonly source: GpuKernelSource;
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

function checkInputs(src: GpuKernelSource, inputs: readonly GpuValue[], scalars: readonly number[]): void {
  if (inputs.length !== src.args.length) throw new Error(`${src.label}: ${inputs.length} inputs given, the kernel takes ${src.args.length}`);
  if (scalars.length !== src.scalars.length) throw new Error(`${src.label}: ${scalars.length} scalars given, the kernel takes ${src.scalars.length}`);
  src.args.forEach((arg, i) => {
    const expected = arg.shape.reduce((a, b) => a * b, 1);
    const got = gpuValueSize(inputs[i]);
    if (got !== expected) throw new Error(`${src.label}: input ${i} has ${got} values, expected ${expected} for [${arg.shape.join(',')}]`);
  });
}

export function compileGpuKernel(gpu: GPU, source: GpuKernelSource, options: { immutable?: boolean } = {}): CompiledGpuKernel {
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

/** A node's runner: a kernel, or (for an alias such as reshape) its input passed through. */
export interface CompiledGpuNode {
  readonly plan: GpuNodeKernel;
  run(inputs: readonly GpuValue[]): GpuValue;
  destroy(): void;
}

export function compileGpuNode(gpu: GPU, plan: GpuNodeKernel): CompiledGpuNode {
  if (plan.kind === 'alias') {
    return { plan, run: (inputs) => inputs[plan.input], destroy: () => undefined };
  }
  const kernel = compileGpuKernel(gpu, plan);
  return { plan, run: (inputs) => kernel.run(inputs), destroy: () => kernel.destroy() };
}

/** The value's data as a flat row-major Float32Array (a copy; textures are read back from the GPU). */
export function readGpuValue(v: GpuValue): Float32Array {
  if (!isTexture(v)) return Float32Array.from(v);
  const out = v.toArray();
  if (out instanceof Float32Array) return out;
  throw new Error('gpu.js returned a nested array for a 1-D kernel output');
}
