import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { softmaxCases } from './support/softmax';
import { evaluateCase, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';

describe('ops/logSoftmax', () => {
  itChecksGradients('logSoftmax', softmaxCases());
  itInfersTheEvaluatedShape('logSoftmax', softmaxCases(), (c) => c.inputs[0].shape);

  it('is x - logsumexp(x), finite for logits far apart', () => {
    const y = evaluateCase('logSoftmax', { inputs: [tensor([1, 2], [0, 2000])] });
    assert.deepEqual([...y.data], [-2000, 0]);
  });
});
