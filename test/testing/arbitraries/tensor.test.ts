import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { broadcastShapes } from '../../../compiler/ir/tensor';
import { getOp } from '../../../compiler/ops/index';
import {
  broadcastPairArb, convCaseArb, distinctTensorArb, distributionArb, gridTensorArb, labelsArb, poolCaseArb, shapeArb, tensorArb, valueArb,
} from '../../../testing/arbitraries/tensor';

const runs = { numRuns: 50 };

describe('testing/arbitraries/tensor', () => {
  it('broadcastPairArb gives shapes that broadcast', () => {
    fc.assert(fc.property(broadcastPairArb(), ([a, b]) => { broadcastShapes(a, b); }), runs);
  });

  it('valueArb keeps |x| >= awayFromZero inside [min, max]', () => {
    fc.assert(fc.property(valueArb({ min: -2, max: 3, awayFromZero: 0.1 }), (v) => Math.abs(v) >= 0.1 && v >= -2 && v <= 3), runs);
    fc.assert(fc.property(valueArb({ min: 0, max: 1, awayFromZero: 0.5 }), (v) => v >= 0.5 && v <= 1), runs);
    assert.throws(() => valueArb({ min: -0.1, max: 0.1, awayFromZero: 0.5 }), /no value in \[-0.1, 0.1\]/);
  });

  it('tensorArb fills its shape', () => {
    fc.assert(fc.property(shapeArb().chain((s) => tensorArb(s)), (t) => t.data.length === t.shape.reduce((a, b) => a * b, 1)), runs);
  });

  it('distinctTensorArb never repeats a value (no pooling ties)', () => {
    fc.assert(fc.property(distinctTensorArb([2, 3, 3, 2]), (t) => new Set(t.data).size === t.data.length), runs);
  });

  it('gridTensorArb with different offsets never ties', () => {
    fc.assert(fc.property(gridTensorArb([6], 0.5, 0), gridTensorArb([6], 0.5, 0.125), (a, b) =>
      a.data.every((v) => b.data.every((w) => Math.abs(v - w) >= 0.125))), runs);
  });

  it('distributionArb rows sum to 1 and labelsArb stays in range', () => {
    fc.assert(fc.property(distributionArb(3, 4), (t) => [0, 1, 2].every((r) => Math.abs(t.data.slice(r * 4, r * 4 + 4).reduce((a, b) => a + b, 0) - 1) < 1e-12)), runs);
    fc.assert(fc.property(labelsArb(5, 3), (t) => t.data.every((l) => Number.isInteger(l) && l >= 0 && l < 3)), runs);
  });

  it('convCaseArb and poolCaseArb give shapes the shape rules accept', () => {
    fc.assert(fc.property(convCaseArb(), (c) => {
      getOp('conv2d').inferType([{ shape: c.x, dtype: 'f32' }, { shape: c.w, dtype: 'f32' }], { strides: c.strides, padding: c.padding });
    }), runs);
    fc.assert(fc.property(poolCaseArb(), (c) => {
      getOp('maxPool2d').inferType([{ shape: c.x, dtype: 'f32' }], { poolSize: c.poolSize, strides: c.strides, padding: c.padding });
    }), runs);
  });
});
