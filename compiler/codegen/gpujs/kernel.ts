// What the gpu.js code generator produces, and how one kernel's source is put together:
// a header that decodes the output element's coordinates (layout.ts), a body that an
// emitter writes for the op, and an optional epilogue over the body's value (the hook for
// fused bias + activation kernels: the epilogue may read further inputs).

import type { ScalarExpr } from '../../ir/scalar';
import type { Attrs } from '../../ir/types';
import { broadcastIndex, decodeFlatIndex, gpuOutputDims } from './layout';
import { checkIdentifier, renderScalarGpu } from './render-scalar';
import { SourceWriter } from './writer';

/** One tensor argument of a kernel: its identifier in the source and its concrete shape. */
export interface GpuTensorArg {
  readonly name: string;
  readonly shape: readonly number[];
}

/**
 * A compiled-to-text gpu.js kernel. Call it with `args` (flat row-major Float32Arrays or
 * textures of other kernels, in order) then `scalars` (float uniforms, in order). Its
 * output is 1-D, `output`, and holds the result's row-major data: `texture.toArray()` is
 * the flat result (see layout.ts).
 */
export interface GpuKernelSource {
  readonly kind: 'kernel';
  /** For printing: what the kernel computes. Never spliced into `source`. */
  readonly label: string;
  readonly args: readonly GpuTensorArg[];
  readonly scalars: readonly string[];
  /** `function (x0, x1, ...) { ... }`, gpu.js's JavaScript subset. */
  readonly source: string;
  /** Concrete shape of the result. */
  readonly shape: readonly number[];
  /** gpu.js `output` setting. */
  readonly output: readonly [number];
}

/** A node whose result is an input's data unchanged (reshape): no kernel runs. */
export interface GpuAliasSource {
  readonly kind: 'alias';
  readonly label: string;
  /** Which input's data is the result. */
  readonly input: number;
  readonly shape: readonly number[];
}

export type GpuNodeKernel = GpuKernelSource | GpuAliasSource;

/**
 * Elementwise work after the kernel's own value: argument 0 of `expr` is that value,
 * argument k >= 1 is extra input k-1 read at this element (numpy broadcasting against the
 * output). The extra inputs follow the node's inputs in the kernel's argument list.
 */
export interface GpuEpilogue {
  readonly expr: ScalarExpr;
  readonly inputs: readonly (readonly number[])[];
}

/** What an emitter sees while writing a kernel body. */
export interface EmitArgs {
  readonly w: SourceWriter;
  readonly attrs: Attrs;
  /** The node's inputs as kernel arguments (concrete shapes). */
  readonly inputs: readonly GpuTensorArg[];
  /** The node's concrete output shape. */
  readonly out: readonly number[];
  /** Identifiers holding this element's output coordinates, one per axis of `out`. */
  readonly coords: readonly string[];
  /** Identifier holding this element's row-major flat index. */
  readonly flat: string;
}

/** Writes the body for one element and returns the expression of its value. */
export type GpuEmitter = (a: EmitArgs) => string;

export interface KernelSpec {
  readonly label: string;
  readonly out: readonly number[];
  readonly inputs: readonly (readonly number[])[];
  readonly attrs: Attrs;
  readonly emit: GpuEmitter;
  readonly epilogue?: GpuEpilogue;
  /** Float uniforms the emitter or epilogue reads by these names. */
  readonly scalars?: readonly string[];
}

function tensorArgs(prefix: string, shapes: readonly (readonly number[])[]): GpuTensorArg[] {
  return shapes.map((shape, i) => {
    gpuOutputDims(shape); // the same size limit holds for what a kernel reads
    return { name: `${prefix}${i}`, shape: [...shape] };
  });
}

function renderEpilogue(w: SourceWriter, value: string, epilogue: GpuEpilogue | undefined, extra: readonly GpuTensorArg[], coords: readonly string[]): string {
  if (!epilogue) return value;
  const args = [value];
  for (const e of extra) {
    const v = w.fresh('e');
    w.line(`const ${v} = ${e.name}[${broadcastIndex(coords, e.shape)}];`);
    args.push(v);
  }
  return renderScalarGpu(epilogue.expr, args);
}

/** Puts a kernel together: coordinates, the emitter's body, the epilogue, the return. */
export function assembleKernel(spec: KernelSpec): GpuKernelSource {
  const output = gpuOutputDims(spec.out);
  const inputs = tensorArgs('x', spec.inputs);
  const extra = tensorArgs('ep', spec.epilogue?.inputs ?? []);
  const scalars = (spec.scalars ?? []).map(checkIdentifier);
  const w = new SourceWriter();
  const flat = w.fresh('i');
  const coords = spec.out.map(() => w.fresh('o'));
  w.line(`const ${flat} = this.thread.x;`);
  decodeFlatIndex(w, flat, spec.out, coords);
  const value = w.fresh('y');
  w.line(`const ${value} = ${spec.emit({ w, attrs: spec.attrs, inputs, out: spec.out, coords, flat })};`);
  w.line(`return ${renderEpilogue(w, value, spec.epilogue, extra, coords)};`);
  const params = [...inputs, ...extra].map((a) => a.name).concat(scalars);
  return {
    kind: 'kernel',
    label: spec.label,
    args: [...inputs, ...extra],
    scalars,
    source: `function (${params.join(', ')}) {\n${w.text()}\n}`,
    shape: [...spec.out],
    output,
  };
}
