// Case generators shared by several op tests.

import fc from 'fast-check';
import { broadcastShapes } from '../../../../compiler/ir/tensor';
import type { ValueOptions } from '../../../../testing/arbitraries/tensor';
import { broadcastPairArb, shapeArb, tensorArb } from '../../../../testing/arbitraries/tensor';
import type { OpCase } from './properties';

/** Two broadcast-compatible tensors; `second` overrides the values of the second input. */
export function binaryCases(first: ValueOptions = {}, second: ValueOptions = first): fc.Arbitrary<OpCase> {
  return broadcastPairArb({ maxRank: 3, maxDim: 3 })
    .chain(([a, b]) => fc.tuple(tensorArb(a, first), tensorArb(b, second)))
    .map(([a, b]) => ({ inputs: [a, b] }));
}

/** One tensor of a random small shape. */
export function unaryCases(values: ValueOptions = {}, attrs: fc.Arbitrary<OpCase['attrs']> = fc.constant({})): fc.Arbitrary<OpCase> {
  return fc.tuple(shapeArb({ maxRank: 3, maxDim: 3 }).chain((s) => tensorArb(s, values)), attrs)
    .map(([x, a]) => ({ inputs: [x], attrs: a }));
}

/** The same, with the first axis declared as the symbolic batch N. */
export function batchedUnaryCases(values: ValueOptions = {}): fc.Arbitrary<OpCase> {
  return shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }).chain((s) => tensorArb(s, values))
    .map((x) => ({ inputs: [x], batched: [true] }));
}

export function broadcastShapeOf(c: OpCase): number[] {
  return c.inputs.reduce<number[]>((acc, t) => broadcastShapes(acc, t.shape), []);
}
