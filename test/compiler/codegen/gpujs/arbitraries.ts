// fast-check generators for the gpu.js kernel tests: small shapes (kernel compilation under
// llvmpipe is the slow part, not the data) and float32-exact values, so a comparison made
// in float32 on the GPU and in float64 by the reference sees the same inputs (pooling ties
// included).

import fc from 'fast-check';
import type { Tensor } from '../../../../compiler/ir/tensor';
import { tensor } from '../../../../compiler/ir/tensor';

/** The smallest normal float32. GPUs flush subnormals to zero (GLSL allows it), so tests avoid them. */
const MIN_NORMAL_F32 = 2 ** -126;

/** float32 values in [min, max], normal or zero (no NaN, infinity or subnormal); fast-check favours 0 and the bounds. */
export function f32Values(min = -2, max = 2): fc.Arbitrary<number> {
  return fc.float({ min: Math.fround(min), max: Math.fround(max), noNaN: true, noDefaultInfinity: true })
    .map((v) => (Math.abs(v) < MIN_NORMAL_F32 ? 0 : v));
}

/** float32 values with min <= |v| <= max, either sign (away from a kink or a pole at 0). */
export function f32AwayFromZero(min: number, max: number): fc.Arbitrary<number> {
  return fc.tuple(f32Values(min, max), fc.boolean()).map(([v, negative]) => (negative ? -v : v));
}

export function tensorOf(shape: readonly number[], values: fc.Arbitrary<number> = f32Values()): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc.array(values, { minLength: size, maxLength: size }).map((data) => tensor(shape, data));
}

export function shapeOf(minRank: number, maxRank: number, maxDim = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/** An output shape and `count` input shapes that numpy-broadcast to it (suffixes, some dims 1). */
export function broadcastShapes(count: number, maxRank = 4): fc.Arbitrary<{ out: number[]; inputs: number[][] }> {
  return shapeOf(0, maxRank).chain((out) => {
    const one = fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
      .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
    return fc.array(one, { minLength: count, maxLength: count }).map((inputs) => ({ out, inputs }));
  });
}

/** Integer labels in [0, classes) as float data (i32 tensors hold whole numbers). */
export function labelsOf(shape: readonly number[], classes: number): fc.Arbitrary<Tensor> {
  return tensorOf(shape, fc.integer({ min: 0, max: classes - 1 }));
}
