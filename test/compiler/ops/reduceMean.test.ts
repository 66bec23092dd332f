import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { reduceCases, reducedShapeOf } from './support/reduce';
import { evaluateCase, itChecksGradients, itInfersTheEvaluatedShape, ruleGradients } from './support/properties';

describe('ops/reduceMean', () => {
  itChecksGradients('reduceMean', reduceCases(false));
  // Over the symbolic batch the rule divides by shapeCount, bound when the graph runs.
  itChecksGradients('reduceMean', reduceCases(true));
  itInfersTheEvaluatedShape('reduceMean', reduceCases(true), reducedShapeOf);

  it('averages over the axes', () => {
    const x = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...evaluateCase('reduceMean', { inputs: [x], attrs: { axes: [1] } }).data], [2, 5]);
  });

  it('spreads dy evenly over the batch, whatever N is bound to', () => {
    for (const batch of [1, 4]) {
      const [dx] = ruleGradients('reduceMean', { inputs: [tensor([batch], new Array(batch).fill(1))], attrs: { axes: [0] }, batched: [true] });
      assert.deepEqual([...dx.data], new Array(batch).fill(1 / batch));
    }
  });
});
