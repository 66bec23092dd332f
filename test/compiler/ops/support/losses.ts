// Cases for the cross-entropy ops: rows x classes scores, dense targets or integer labels.

import fc from 'fast-check';
import type { ValueOptions } from '../../../../testing/arbitraries/tensor';
import { distributionArb, labelsArb, tensorArb } from '../../../../testing/arbitraries/tensor';
import type { OpCase } from './properties';

const rowsAndClasses = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 5 }));

/** Scores with targets whose rows sum to 1 (one-hot or soft). */
export function denseCases(scores: ValueOptions): fc.Arbitrary<OpCase> {
  return rowsAndClasses.chain(([rows, classes]) => fc.tuple(tensorArb([rows, classes], scores), distributionArb(rows, classes)))
    .map(([s, t]) => ({ inputs: [s, t], batched: [true, true] }));
}

/** Scores with integer labels (fed as the i32 input). */
export function sparseCases(scores: ValueOptions): fc.Arbitrary<OpCase> {
  return rowsAndClasses.chain(([rows, classes]) => fc.tuple(tensorArb([rows, classes], scores), labelsArb(rows, classes)))
    .map(([s, l]) => ({ inputs: [s, l], dtypes: ['f32', 'i32'], batched: [true, true] }));
}

/** Probabilities (positive, not normalised: the ops divide by the row sum). */
export const PROBS: ValueOptions = { min: 0.05, max: 1 };
export const LOGITS: ValueOptions = { min: -4, max: 4 };
