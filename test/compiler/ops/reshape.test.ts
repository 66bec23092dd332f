import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { shapeArb, tensorArb } from '../../../testing/arbitraries/tensor';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, inferShape, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';

const count = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

// A target of the same size: flattened, reversed, or with a unit axis appended.
const cases: fc.Arbitrary<OpCase> = shapeArb({ maxRank: 3, maxDim: 3 }).chain((s) =>
  fc.tuple(tensorArb(s), fc.constantFrom([count(s)], [...s].reverse(), [...s, 1])))
  .map(([x, shape]) => ({ inputs: [x], attrs: { shape } }));

// Keras's flatten: [N, ...] to [N, features].
const flatten: fc.Arbitrary<OpCase> = shapeArb({ minRank: 2, maxRank: 4, maxDim: 3 })
  .chain((s) => tensorArb(s))
  .map((x) => ({ inputs: [x], attrs: { shape: ['N', count(x.shape.slice(1))] }, batched: [true] }));

describe('ops/reshape', () => {
  itChecksGradients('reshape', cases);
  itChecksGradients('reshape', flatten);
  itInfersTheEvaluatedShape('reshape', cases, (c) => c.attrs?.shape as number[]);
  itInfersTheEvaluatedShape('reshape', flatten, (c) => [c.inputs[0].shape[0], count(c.inputs[0].shape.slice(1))]);

  it('keeps the row-major order', () => {
    const y = evaluateCase('reshape', { inputs: [tensor([2, 3], [1, 2, 3, 4, 5, 6])], attrs: { shape: [3, 2] } });
    assert.deepEqual([...y.data], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(y.shape, [3, 2]);
  });

  it('matches sizes symbolically: N only with N', () => {
    assert.deepEqual(inferShape('reshape', [f32(['N', 5, 5, 64])], { shape: ['N', 1600] }), ['N', 1600]);
    assertShapeError('reshape', [f32(['N', 4])], { shape: [4] }, /^reshape: cannot reshape \[N,4\] to \[4\]$/);
    assertShapeError('reshape', [f32([2, 3])], { shape: [5] }, /^reshape: cannot reshape \[2,3\] to \[5\]$/);
    assertShapeError('reshape', [f32([2])], { shape: [-1] }, /^reshape: attr shape must be a shape/);
  });
});
