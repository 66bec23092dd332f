// TensorFlow's documented output sizes, written independently of compiler/ops/util/window:
// valid: ceil((in - k + 1) / s); same: ceil(in / s).

import fc from 'fast-check';
import type { Tensor } from '../../../../compiler/ir/tensor';
import type { ConvCase, PaddingMode, PoolCase } from '../../../../testing/arbitraries/tensor';
import { convCaseArb, poolCaseArb, tensorArb } from '../../../../testing/arbitraries/tensor';

export function tfOutputSize(input: number, k: number, s: number, padding: PaddingMode): number {
  return padding === 'same' ? Math.ceil(input / s) : Math.ceil((input - k + 1) / s);
}

export function convOutputShape(c: ConvCase): [number, number, number, number] {
  return [c.x[0], tfOutputSize(c.x[1], c.w[0], c.strides[0], c.padding), tfOutputSize(c.x[2], c.w[1], c.strides[1], c.padding), c.w[3]];
}

export function poolOutputShape(c: PoolCase): [number, number, number, number] {
  return [c.x[0], tfOutputSize(c.x[1], c.poolSize[0], c.strides[0], c.padding), tfOutputSize(c.x[2], c.poolSize[1], c.strides[1], c.padding), c.x[3]];
}

/** A conv case with random x, w and dy tensors of fitting shapes. */
export function convTensorsArb(): fc.Arbitrary<{ c: ConvCase; x: Tensor; w: Tensor; dy: Tensor }> {
  return convCaseArb().chain((c) => fc.record({ c: fc.constant(c), x: tensorArb(c.x), w: tensorArb(c.w), dy: tensorArb(convOutputShape(c)) }));
}

export function dot(a: Tensor, b: Tensor): number {
  return a.data.reduce((s, v, i) => s + v * b.data[i], 0);
}

export const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * (1 + Math.abs(a) + Math.abs(b));
