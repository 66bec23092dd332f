// The gpu.js data layout: one rule for every tensor, whatever its rank.
//
// A tensor on the GPU is its row-major (C-order, NHWC for images) data, flat: the same
// order as the reference interpreter's Tensor.data. Every kernel has a 1-D gpu.js output,
// `output: [size]`, so `this.thread.x` IS the row-major flat index of the element being
// computed; the kernel decodes it into coordinates by floor division by literal sizes.
// Every input is read by flat index (`a[i]`), whichever kernel (or host array) made it, so
// reshape costs nothing and a result reads back with `texture.toArray()` as a flat
// Float32Array already in row-major order.
//
// Why 1-D: gpu.js stores a 1-D output in a near-square texture, so no axis of any tensor
// meets the texture size limit (a 2-D output [W, H] becomes a W x H texture, and H = N*H*W
// rows of a batch would not fit). Indices are float32 arithmetic in GLSL ES 1.0, exact
// below 2^24, hence the size limit.

import { strides } from '../../ir/tensor';
import { shapeSize } from '../../ir/types';
import { renderNumber } from './render-scalar';
import type { SourceWriter } from './writer';
import { SizeLimitError } from '../../../format/limits';

/** The largest tensor a kernel may write or read: float32 represents every index below it. */
export const MAX_GPU_TENSOR_SIZE = 1 << 24;

/** gpu.js `output` setting for a tensor of this concrete shape. */
export function gpuOutputDims(shape: readonly number[]): [number] {
  const size = shapeSize(shape);
  if (!Number.isInteger(size) || size < 1) throw new Error(`gpu.js codegen: cannot lay out an empty tensor [${shape.join(',')}]`);
  if (size > MAX_GPU_TENSOR_SIZE) {
    throw new SizeLimitError(`gpu.js codegen: tensor [${shape.join(',')}] has ${size} elements, more than the ${MAX_GPU_TENSOR_SIZE} a float32 index reaches`, size * 4, MAX_GPU_TENSOR_SIZE * 4);
  }
  return [size];
}

/**
 * Declares `names[d]` = coordinate d of the flat index `flat` in `shape`. GLSL's float
 * division may be 2.5 ulp off; the quotient here is below 2^23 (divisors are >= 2), where
 * that is at most 1.25, so floor(a / b) is corrected by up to two either way. Every
 * product compared is exact below 2^24 and stays above `a` beyond it, so the corrections
 * are exact.
 */
export function decodeFlatIndex(w: SourceWriter, flat: string, shape: readonly number[], names: readonly string[]): void {
  let rest = flat;
  for (let d = shape.length - 1; d >= 1; d--) {
    const size = shape[d];
    if (size === 1) {
      w.line(`const ${names[d]} = 0;`);
      continue;
    }
    const guess = w.fresh('f');
    const quotient = w.fresh('q');
    w.line(`const ${guess} = Math.floor(${rest} / ${size});`);
    const over = [0, 1].map((k) => `((${guess} - ${k}) * ${size} > ${rest} ? 1 : 0)`);
    const under = [1, 2].map((k) => `((${guess} + ${k}) * ${size} <= ${rest} ? 1 : 0)`);
    w.line(`const ${quotient} = ${guess} - ${over.join(' - ')} + ${under.join(' + ')};`);
    w.line(`const ${names[d]} = ${rest} - ${quotient} * ${size};`);
    rest = quotient;
  }
  if (shape.length > 0) w.line(`const ${names[0]} = ${rest};`);
}

/** sum of coordinate * stride, skipping zero strides; '0' when nothing is left. */
export function linearIndex(terms: readonly (readonly [string, number])[]): string {
  const parts = terms.filter(([, stride]) => stride !== 0).map(([c, stride]) => (stride === 1 ? c : `${c} * ${renderNumber(stride)}`));
  return parts.length === 0 ? '0' : parts.join(' + ');
}

/** linearIndex plus a constant offset, e.g. `o1 * 2 + k3 - 1`. */
export function affineIndex(terms: readonly (readonly [string, number])[], offset: number): string {
  const sum = linearIndex(terms);
  if (offset === 0) return sum;
  if (sum === '0') return renderNumber(offset);
  return offset > 0 ? `${sum} + ${renderNumber(offset)}` : `${sum} - ${renderNumber(-offset)}`;
}

/** Flat index into `inShape` broadcast (numpy, right-aligned) to the output coordinates. */
export function broadcastIndex(coords: readonly string[], inShape: readonly number[]): string {
  const offset = coords.length - inShape.length;
  if (offset < 0) throw new Error(`gpu.js codegen: input [${inShape.join(',')}] has more axes than the output`);
  const s = strides(inShape);
  return linearIndex(inShape.map((d, i) => [coords[i + offset], d === 1 ? 0 : s[i]] as const));
}
