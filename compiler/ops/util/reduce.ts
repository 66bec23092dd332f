// Shared by reduceSum, reduceMean and reduceMax: attribute reading, the output type, evaluation, and
// the gradient broadcast back over the reduced axes.

import type { Tensor } from '../../ir/tensor';
import { tensor } from '../../ir/tensor';
import type { Attrs, TensorType } from '../../ir/types';
import type { Builder } from '../op';
import { attrAxes, attrBool } from './attrs';
import { expectArity, expectDtype, f32 } from './check';
import { reductionIndex } from './evaluate';
import { reducedShape } from './shape';

export interface Reduction {
  readonly axes: number[];
  readonly keepDims: boolean;
}

export function reductionOf(op: string, attrs: Attrs, rank: number): Reduction {
  return { axes: attrAxes(op, attrs, rank), keepDims: attrBool(op, attrs, 'keepDims', false) };
}

export function reduceType(op: string, inputs: readonly TensorType[], attrs: Attrs): TensorType {
  expectArity(op, inputs, 1);
  const [x] = inputs;
  expectDtype(op, x, 'f32', 'input');
  const r = reductionOf(op, attrs, x.shape.length);
  return f32(reducedShape(x.shape, r.axes, r.keepDims));
}

/** Sum over the axes, into a tensor of the (concrete) output shape. */
export function sumAxes(x: Tensor, axes: readonly number[], outShape: readonly number[]): Tensor {
  const { index } = reductionIndex(x.shape, axes);
  const out = tensor(outShape);
  for (let i = 0; i < x.data.length; i++) out.data[index[i]] += x.data[i];
  return out;
}

/** Maximum over the axes, into a tensor of the (concrete) output shape; NaN wins, as in TF. */
export function maxAxes(x: Tensor, axes: readonly number[], outShape: readonly number[]): Tensor {
  const { index } = reductionIndex(x.shape, axes);
  const out = tensor(outShape);
  out.data.fill(-Infinity);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    if (v > out.data[index[i]] || Number.isNaN(v)) out.data[index[i]] = v;
  }
  return out;
}

/** dy (the reduced shape) broadcast back to the shape of `x`. */
export function broadcastBack(b: Builder, dy: number, x: number, r: Reduction): number {
  const xShape = b.type(x).shape;
  const kept = r.keepDims ? dy : b.emit('reshape', [dy], { shape: reducedShape(xShape, r.axes, true) });
  return b.emit('broadcastTo', [kept], { shape: xShape });
}
