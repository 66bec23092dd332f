// Cases for reduceSum / reduceMean: a tensor, a random set of axes (some negative), keepDims.

import fc from 'fast-check';
import { distinctTensorArb, shapeArb, tensorArb } from '../../../../testing/arbitraries/tensor';
import type { OpCase } from './properties';

/** `distinct`: no two values equal (no ties for reduceMax, where it is not differentiable). */
export function reduceCases(batched: boolean, distinct = false): fc.Arbitrary<OpCase> {
  return shapeArb({ minRank: batched ? 1 : 0, maxRank: 3, maxDim: 3 }).chain((s) => fc.tuple(
    distinct ? distinctTensorArb(s) : tensorArb(s),
    fc.subarray([...s.keys()]).chain((axes) => fc.tuple(...axes.map((a) => fc.constantFrom(a, a - s.length)))),
    fc.boolean(),
  )).map(([x, axes, keepDims]) => ({ inputs: [x], attrs: { axes, keepDims }, batched: [batched] }));
}

export function reducedShapeOf(c: OpCase): number[] {
  const x = c.inputs[0].shape;
  const axes = (c.attrs?.axes as number[]).map((a) => (a < 0 ? a + x.length : a));
  return x.flatMap((d, i) => (axes.includes(i) ? (c.attrs?.keepDims ? [1] : []) : [d]));
}
