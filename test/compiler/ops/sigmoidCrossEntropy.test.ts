import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { binaryCases, broadcastShapeOf } from './support/cases';
import { evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, itMatchesScalar, ruleGradients } from './support/properties';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** The textbook form, which overflows for large |x|: the oracle where it does not. */
const naive = (x: number, z: number): number => -(z * Math.log(sigmoid(x)) + (1 - z) * Math.log(1 - sigmoid(x)));

describe('ops/sigmoidCrossEntropy', () => {
  itChecksGradients('sigmoidCrossEntropy', binaryCases({ min: -4, max: 4 }, { min: 0, max: 1 }));
  itMatchesScalar('sigmoidCrossEntropy', binaryCases({ min: -60, max: 60 }, { min: 0, max: 1 }));
  itInfersTheEvaluatedShape('sigmoidCrossEntropy', binaryCases({ min: -1e3, max: 1e3 }, { min: 0, max: 1 }), broadcastShapeOf);

  it('equals -z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x)) and stays finite for large |x|', () => {
    const xs = [-3, -0.5, 0, 0.25, 2, 7];
    const zs = [0, 1, 0.3, 1, 0, 0.5];
    const y = evaluateCase('sigmoidCrossEntropy', { inputs: [tensor([6], xs), tensor([6], zs)] });
    xs.forEach((x, i) => assert.ok(Math.abs(y.data[i] - naive(x, zs[i])) < 1e-12, `x ${x}: ${y.data[i]} vs ${naive(x, zs[i])}`));
    const far = evaluateCase('sigmoidCrossEntropy', { inputs: [tensor([2], [1000, -1000]), tensor([2], [0, 1])] });
    assert.deepEqual([...far.data], [1000, 1000]);
  });

  it('has the exact gradient sigmoid(x) - z at x = 0 (no kink)', () => {
    const [dx, dz] = ruleGradients('sigmoidCrossEntropy', { inputs: [tensor([2], [0, 0]), tensor([2], [1, 0])] });
    assert.deepEqual([...dx.data], [-0.5, 0.5]);
    assert.deepEqual([...dz.data].map((v) => v + 0), [0, 0]);
  });
});
