import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { binaryCases, broadcastShapeOf } from './support/cases';
import { evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar, ruleGradients } from './support/properties';

describe('ops/binaryCrossentropy', () => {
  itChecksGradients('binaryCrossentropy', binaryCases({ min: 0.05, max: 0.95 }, { min: 0, max: 1 }));
  itMatchesScalar('binaryCrossentropy', binaryCases({ min: -0.5, max: 1.5 }, { min: 0, max: 1 }));
  itInfersTheEvaluatedShape('binaryCrossentropy', binaryCases({ min: 0, max: 1 }, { min: 0, max: 1 }), broadcastShapeOf);

  it('is -(z log p + (1 - z) log(1 - p)) with p clipped to [1e-7, 1 - 1e-7] as float32 holds them, as Keras at float32', () => {
    const y = evaluateCase('binaryCrossentropy', { inputs: [tensor([4], [0.5, 0.8, 0, 1]), tensor([4], [1, 0, 1, 0])] });
    // float32's 1 - 1e-7 is 1 - 2^-23 (0.99999988): the loss at p = 1, z = 0 is 23 ln 2, not 7 ln 10.
    const want = [Math.log(2), -Math.log(0.2), -Math.log(Math.fround(1e-7)), 23 * Math.log(2)];
    want.forEach((w, i) => assert.ok(Math.abs(y.data[i] - w) < 1e-9, `${i}: ${y.data[i]} vs ${w}`));
  });

  it('passes no gradient to a probability where the clip is active', () => {
    const [dp] = ruleGradients('binaryCrossentropy', { inputs: [tensor([3], [0, 1, 0.25]), tensor([3], [1, 0, 1])] });
    assert.deepEqual([...dp.data].slice(0, 2).map((v) => v + 0), [0, 0]);
    assert.ok(Math.abs(dp.data[2] - -4) < 1e-9, `d/dp at 0.25, z 1: ${dp.data[2]}`);
  });

  it('equals sigmoidCrossEntropy on sigmoid(x) within the clip', () => {
    const xs = [-4, -1, 0, 0.5, 3];
    const zs = [1, 0, 0.5, 1, 0];
    const probs = evaluateCase('binaryCrossentropy', { inputs: [tensor([5], xs.map((x) => 1 / (1 + Math.exp(-x)))), tensor([5], zs)] });
    const logits = evaluateCase('sigmoidCrossEntropy', { inputs: [tensor([5], xs), tensor([5], zs)] });
    xs.forEach((_, i) => assert.ok(Math.abs(probs.data[i] - logits.data[i]) < 1e-9));
  });
});
