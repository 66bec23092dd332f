// Cases for softmax / logSoftmax: a tensor of rank >= 1 and an axis, sometimes negative.

import fc from 'fast-check';
import { shapeArb, tensorArb } from '../../../../testing/arbitraries/tensor';
import type { OpCase } from './properties';

export function softmaxCases(): fc.Arbitrary<OpCase> {
  return shapeArb({ minRank: 1, maxRank: 3, maxDim: 4 }).chain((s) => fc.tuple(
    tensorArb(s, { min: -3, max: 3 }),
    fc.integer({ min: -s.length, max: s.length - 1 }),
    fc.boolean(),
  )).map(([x, axis, batched]) => ({ inputs: [x], attrs: { axis }, batched: [batched] }));
}
