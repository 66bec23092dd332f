// Float64 evaluation helpers for the reference: elementwise maps, numpy broadcasting and
// reductions over axes. Plain loops; clarity over speed.

import type { Tensor } from '../../ir/tensor';
import { broadcastIndex, strides, tensor } from '../../ir/tensor';

export function mapUnary(x: Tensor, f: (v: number) => number): Tensor {
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) out.data[i] = f(x.data[i]);
  return out;
}

/** Evaluates f on the broadcast elements of the inputs, into a tensor of `outShape`. */
export function mapBroadcast(inputs: readonly Tensor[], outShape: readonly number[], f: (args: readonly number[]) => number): Tensor {
  const out = tensor(outShape);
  const indices = inputs.map((t) => broadcastIndex(t.shape, outShape));
  const args = new Array<number>(inputs.length);
  for (let i = 0; i < out.data.length; i++) {
    for (let k = 0; k < inputs.length; k++) args[k] = inputs[k].data[indices[k][i]];
    out.data[i] = f(args);
  }
  return out;
}

/** Sums `x` down to `outShape` (which broadcasts to x's shape): the adjoint of broadcasting. */
export function sumToShape(x: Tensor, outShape: readonly number[]): Tensor {
  const out = tensor(outShape);
  const index = broadcastIndex(outShape, x.shape);
  for (let i = 0; i < x.data.length; i++) out.data[index[i]] += x.data[i];
  return out;
}

/** For each element of x, the flat index of its slot once `axes` are reduced (kept as 1). */
export function reductionIndex(shape: readonly number[], axes: readonly number[]): { index: Int32Array; keptShape: number[] } {
  const keptShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return { index: broadcastIndex(keptShape, shape), keptShape };
}

/**
 * Visits every 1-D lane of `x` along `axis`: calls `lane(offset, stride, length)` where the
 * lane's elements are at offset + k*stride. Used by softmax and the cross-entropies.
 */
export function forEachLane(shape: readonly number[], axis: number, lane: (offset: number, stride: number, length: number) => void): void {
  const st = strides(shape);
  const length = shape[axis];
  const stride = st[axis];
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  for (let o = 0; o < outer; o++) {
    for (let inner = 0; inner < stride; inner++) lane(o * length * stride + inner, stride, length);
  }
}
