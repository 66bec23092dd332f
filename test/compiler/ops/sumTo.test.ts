import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { shapeArb, tensorArb } from '../../../testing/arbitraries/tensor';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, inferShape, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';

// A full shape and a target that broadcasts to it (leading axes dropped, some set to 1).
const cases: fc.Arbitrary<OpCase> = shapeArb({ maxRank: 3, maxDim: 3 }).chain((full) =>
  fc.tuple(tensorArb(full), fc.integer({ min: 0, max: full.length }), fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length })))
  .map(([x, drop, ones]) => ({ inputs: [x], attrs: { shape: x.shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop) } }));

describe('ops/sumTo', () => {
  itChecksGradients('sumTo', cases);
  itInfersTheEvaluatedShape('sumTo', cases, (c) => c.attrs?.shape as number[]);

  it('sums over dropped leading axes and over unit axes', () => {
    const x = tensor([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual([...evaluateCase('sumTo', { inputs: [x], attrs: { shape: [2, 1] } }).data], [1 + 2 + 3 + 7 + 8 + 9, 4 + 5 + 6 + 10 + 11 + 12]);
    assert.deepEqual([...evaluateCase('sumTo', { inputs: [x], attrs: { shape: [] } }).data], [78]);
  });

  it('sums the batch N away into 1, but never turns a number into N', () => {
    assert.deepEqual(inferShape('sumTo', [f32(['N', 3])], { shape: [3] }), [3]);
    assertShapeError('sumTo', [f32([4, 3])], { shape: ['N', 3] }, /^sumTo: \[N,3\] does not broadcast to the input \[4,3\]$/);
  });
});
