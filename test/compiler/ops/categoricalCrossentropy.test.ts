import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { tensorArb } from '../../../testing/arbitraries/tensor';
import { PROBS, denseCases } from './support/losses';
import { evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, ruleGradients } from './support/properties';

// Soft, unnormalised targets too: the rule is exact for any targets.
const anyTargets = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 4 }))
  .chain(([r, k]) => fc.tuple(tensorArb([r, k], PROBS), tensorArb([r, k], { min: 0, max: 1 })))
  .map(([p, t]) => ({ inputs: [p, t] }));

describe('ops/categoricalCrossentropy', () => {
  itChecksGradients('categoricalCrossentropy', denseCases(PROBS));
  itChecksGradients('categoricalCrossentropy', anyTargets);
  itInfersTheEvaluatedShape('categoricalCrossentropy', denseCases(PROBS), (c) => [c.inputs[0].shape[0]]);

  it('divides by the row sum and clips to [1e-7, 1 - 1e-7] as Keras', () => {
    const c = { inputs: [tensor([2, 2], [1, 3, 0, 2]), tensor([2, 2], [0, 1, 1, 0])] };
    const y = evaluateCase('categoricalCrossentropy', c);
    assert.equal(y.data[0], -Math.log(0.75));
    assert.equal(y.data[1], -Math.log(1e-7));
  });

  it('passes no gradient through a clipped probability', () => {
    const c = { inputs: [tensor([1, 2], [0, 2]), tensor([1, 2], [1, 0])], constant: [1] };
    const [dprobs] = ruleGradients('categoricalCrossentropy', c);
    assert.deepEqual([...dprobs.data].map((v) => v + 0), [0, 0]);
  });
});
