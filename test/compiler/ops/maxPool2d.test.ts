import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { distinctTensorArb, poolCaseArb } from '../../../testing/arbitraries/tensor';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, inferShape, itChecksGradients, itInfersTheEvaluatedShape, ruleGradients } from './support/properties';
import { poolOutputShape } from './support/window';

// Distinct values: no ties in any window, so the max is differentiable there.
const cases = poolCaseArb().chain((c) => distinctTensorArb(c.x).map((x): OpCase & { shape: number[] } => ({
  inputs: [x], attrs: { poolSize: c.poolSize, strides: c.strides, padding: c.padding }, batched: [true], shape: poolOutputShape(c),
})));

describe('ops/maxPool2d', () => {
  itChecksGradients('maxPool2d', cases, 20);
  itInfersTheEvaluatedShape('maxPool2d', cases, (c) => c.shape);

  it('routes the gradient of a tie to the first maximum in row-major window order', () => {
    const x = tensor([1, 2, 2, 1], [7, 7, 7, 7]);
    const [dx] = ruleGradients('maxPool2d', { inputs: [x], attrs: { poolSize: 2 } }, tensor([1, 1, 1, 1], [5]));
    assert.deepEqual([...dx.data], [5, 0, 0, 0]);
    const later = tensor([1, 2, 2, 1], [1, 9, 3, 9]);
    const [dLater] = ruleGradients('maxPool2d', { inputs: [later], attrs: { poolSize: 2 } }, tensor([1, 1, 1, 1], [5]));
    assert.deepEqual([...dLater.data], [0, 5, 0, 0]);
  });

  it('adds up the gradient of a cell that is the maximum of overlapping windows', () => {
    const x = tensor([1, 1, 3, 1], [0, 9, 0]);
    const c = { inputs: [x], attrs: { poolSize: [1, 2], strides: [1, 1] } };
    assert.deepEqual([...evaluateCase('maxPool2d', c).data], [9, 9]);
    assert.deepEqual([...ruleGradients('maxPool2d', c, tensor([1, 1, 2, 1], [2, 3]))[0].data], [0, 5, 0]);
  });

  it("never lets a padded cell win ('same' on negative inputs)", () => {
    const x = tensor([1, 3, 3, 1], [-9, -8, -7, -6, -5, -4, -3, -2, -1]);
    const y = evaluateCase('maxPool2d', { inputs: [x], attrs: { poolSize: 2, padding: 'same' } });
    assert.deepEqual(y.shape, [1, 2, 2, 1]);
    assert.deepEqual([...y.data], [-5, -4, -2, -1]);
  });

  it('pools per channel with Keras defaults (strides = poolSize, valid)', () => {
    assert.deepEqual(inferShape('maxPool2d', [f32(['N', 26, 26, 32])], { poolSize: [2, 2] }), ['N', 13, 13, 32]);
    assert.deepEqual(inferShape('maxPool2d', [f32(['N', 11, 11, 64])], { poolSize: [2, 2] }), ['N', 5, 5, 64]);
    assert.deepEqual(inferShape('maxPool2d', [f32(['N', 11, 11, 64])], { poolSize: 2, padding: 'same' }), ['N', 6, 6, 64]);
  });

  it('rejects a pool that does not fit', () => {
    assertShapeError('maxPool2d', [f32(['N', 1, 1, 3])], { poolSize: [2, 2] }, /^maxPool2d: pool 2x2 does not fit input 1x1$/);
    assertShapeError('maxPool2d', [f32(['N', 4, 4, 3])], {}, /^maxPool2d: attr poolSize must be a pair of positive integers, got nothing$/);
  });

  it('agrees with a brute-force max over each window', () => {
    fc.assert(fc.property(cases, (c) => {
      const y = evaluateCase('maxPool2d', c);
      const x = c.inputs[0];
      const [, h, w, ch] = x.shape;
      const { poolSize, strides } = c.attrs as { poolSize: number[]; strides: number[] };
      const [, oh, ow] = y.shape;
      const padTop = Math.floor(Math.max((oh - 1) * strides[0] + poolSize[0] - h, 0) / 2) * (c.attrs?.padding === 'same' ? 1 : 0);
      const padLeft = Math.floor(Math.max((ow - 1) * strides[1] + poolSize[1] - w, 0) / 2) * (c.attrs?.padding === 'same' ? 1 : 0);
      for (let n = 0; n < x.shape[0]; n++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let k = 0; k < ch; k++) {
        let best = -Infinity;
        for (let a = 0; a < poolSize[0]; a++) for (let b = 0; b < poolSize[1]; b++) {
          const r = i * strides[0] + a - padTop;
          const q = j * strides[1] + b - padLeft;
          if (r >= 0 && r < h && q >= 0 && q < w) best = Math.max(best, x.data[((n * h + r) * w + q) * ch + k]);
        }
        assert.equal(y.data[((n * oh + i) * ow + j) * ch + k], best);
      }
    }), { numRuns: 30 });
  });
});
