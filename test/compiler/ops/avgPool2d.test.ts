import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { poolCaseArb, tensorArb } from '../../../testing/arbitraries/tensor';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';
import { poolOutputShape } from './support/window';

const cases = poolCaseArb().chain((c) => tensorArb(c.x).map((x): OpCase & { shape: number[] } => ({
  inputs: [x], attrs: { poolSize: c.poolSize, strides: c.strides, padding: c.padding }, batched: [true], shape: poolOutputShape(c),
})));

describe('ops/avgPool2d', () => {
  itChecksGradients('avgPool2d', cases, 20);
  itInfersTheEvaluatedShape('avgPool2d', cases, (c) => c.shape);

  it("averages only the in-bounds cells with 'same' padding (as TensorFlow)", () => {
    const x = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const y = evaluateCase('avgPool2d', { inputs: [x], attrs: { poolSize: 2, padding: 'same' } });
    assert.deepEqual([...y.data], [(1 + 2 + 4 + 5) / 4, (3 + 6) / 2, (7 + 8) / 2, 9]);
  });

  it('rejects a pool that does not fit', () => {
    assertShapeError('avgPool2d', [f32(['N', 2, 5, 1])], { poolSize: [3, 1] }, /^avgPool2d: pool 3x1 does not fit input 2x5$/);
  });
});
