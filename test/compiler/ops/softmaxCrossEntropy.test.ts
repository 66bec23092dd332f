import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { LOGITS, denseCases } from './support/losses';
import { assertShapeError, evaluateCase, f32, inferShape, itChecksGradients, itInfersTheEvaluatedShape, ruleGradients } from './support/properties';

describe('ops/softmaxCrossEntropy', () => {
  itChecksGradients('softmaxCrossEntropy', denseCases(LOGITS));
  itInfersTheEvaluatedShape('softmaxCrossEntropy', denseCases(LOGITS), (c) => [c.inputs[0].shape[0]]);

  it('is -log softmax at the true class, stable for large logits', () => {
    const c = { inputs: [tensor([2, 2], [0, Math.log(3), 1000, 0]), tensor([2, 2], [0, 1, 1, 0])] };
    assert.deepEqual([...evaluateCase('softmaxCrossEntropy', c).data].map((v) => +v.toFixed(12)), [+(-Math.log(0.75)).toFixed(12), 0]);
  });

  it('differentiates to (softmax - onehot) * dy per example', () => {
    const c = { inputs: [tensor([1, 2], [0, Math.log(3)]), tensor([1, 2], [0, 1])] };
    const [dlogits] = ruleGradients('softmaxCrossEntropy', c, tensor([1], [2]));
    assert.deepEqual([...dlogits.data].map((v) => +v.toFixed(12)), [0.5, -0.5]);
  });

  it('gives [N] for [N, classes] and checks the targets', () => {
    assert.deepEqual(inferShape('softmaxCrossEntropy', [f32(['N', 10]), f32(['N', 10])]), ['N']);
    assertShapeError('softmaxCrossEntropy', [f32(['N', 10]), f32(['N', 9])], {}, /^softmaxCrossEntropy: targets \[N,9\] differ from scores \[N,10\]$/);
  });
});
