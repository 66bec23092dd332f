// Test support: runs one IR op as a gpu.js kernel and compares it with the op's float64
// reference evaluation, element by element, with float32 tolerances.

import type { GPU } from 'gpu.js';
import { emitGpuKernel } from '../../../../compiler/codegen/gpujs/emit';
import type { GpuEpilogue } from '../../../../compiler/codegen/gpujs/kernel';
import type { Tensor } from '../../../../compiler/ir/tensor';
import { tensor } from '../../../../compiler/ir/tensor';
import type { Attrs, DType, Node, TensorType } from '../../../../compiler/ir/types';
import { getOp } from '../../../../compiler/ops/index';
import { compileGpuNode, readGpuValue } from '../../../../runtime/backends/gpujs/kernels';

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** Float32 kernels against the float64 reference (DESIGN.md). */
export const F32_TOLERANCE: Tolerance = { atol: 1e-4, rtol: 1e-3 };

export interface OpCase {
  readonly op: string;
  readonly attrs?: Attrs;
  readonly inputs: readonly Tensor[];
  /** dtype per input; f32 where absent. */
  readonly dtypes?: readonly DType[];
}

/** The node for a case, typed by the op's own shape rule. */
export function nodeOf(c: OpCase): { node: Node; types: TensorType[] } {
  const types = c.inputs.map((t, i) => ({ shape: [...t.shape], dtype: c.dtypes?.[i] ?? 'f32' }));
  const attrs = c.attrs ?? {};
  const type = getOp(c.op).inferType(types, attrs);
  return { node: { id: 0, op: c.op, inputs: c.inputs.map((_, i) => i + 1), attrs, type }, types };
}

export function reference(c: OpCase): Tensor {
  const { node } = nodeOf(c);
  const outShape = node.type.shape.map((d) => (typeof d === 'number' ? d : 0));
  return getOp(c.op).evaluate(c.inputs, node.attrs, { outShape, batch: 0, random: () => 0.5 });
}

/** Runs the case's kernel (with an optional epilogue and its extra inputs) on the GPU. */
export function runOnGpu(gpu: GPU, c: OpCase, epilogue?: GpuEpilogue, extra: readonly Tensor[] = []): Tensor {
  const { node, types } = nodeOf(c);
  const plan = emitGpuKernel(node, types, 0, epilogue);
  const compiled = compileGpuNode(gpu, plan);
  try {
    const inputs = [...c.inputs, ...extra].map((t) => Float32Array.from(t.data));
    return tensor(plan.shape, readGpuValue(compiled.run(inputs)));
  } finally {
    compiled.destroy();
  }
}

/** The first element outside tolerance, as a one-line message; null when all agree. */
export function mismatch(actual: Tensor, expected: Tensor, tol: Tolerance = F32_TOLERANCE): string | null {
  if (actual.shape.join(',') !== expected.shape.join(',')) return `shape [${actual.shape}] != [${expected.shape}]`;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    const ok = Object.is(a, e) || Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok) return `element ${i} of [${expected.shape}]: gpu ${a}, reference ${e}`;
  }
  return null;
}

/** Throws with the first disagreement between the GPU kernel and the reference. */
export function expectGpuMatchesReference(gpu: GPU, c: OpCase, tol: Tolerance = F32_TOLERANCE): void {
  const bad = mismatch(runOnGpu(gpu, c), reference(c), tol);
  if (bad) throw new Error(`${c.op} ${JSON.stringify(c.attrs ?? {})}: ${bad}`);
}
