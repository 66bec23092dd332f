import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { LOGITS, sparseCases } from './support/losses';
import { assertShapeError, evaluateCase, f32, itChecksGradients, itInfersTheEvaluatedShape, ruleGradients } from './support/properties';

describe('ops/sparseSoftmaxCrossEntropy', () => {
  itChecksGradients('sparseSoftmaxCrossEntropy', sparseCases(LOGITS));
  itInfersTheEvaluatedShape('sparseSoftmaxCrossEntropy', sparseCases(LOGITS), (c) => [c.inputs[0].shape[0]]);

  it('equals the dense op on the one-hot labels, value and gradient', () => {
    const logits = tensor([2, 3], [0.5, -1, 2, 3, 0, -2]);
    const sparse = { inputs: [logits, tensor([2], [2, 0])], dtypes: ['f32', 'i32'] as const, constant: [1] };
    const dense = { inputs: [logits, tensor([2, 3], [0, 0, 1, 1, 0, 0])], constant: [1] };
    assert.deepEqual([...evaluateCase('sparseSoftmaxCrossEntropy', sparse).data], [...evaluateCase('softmaxCrossEntropy', dense).data]);
    const w = tensor([2], [1.5, -2]);
    assert.deepEqual([...ruleGradients('sparseSoftmaxCrossEntropy', sparse, w)[0].data], [...ruleGradients('softmaxCrossEntropy', dense, w)[0].data]);
  });

  it('rejects float labels, labels of the wrong shape, and out-of-range labels', () => {
    assertShapeError('sparseSoftmaxCrossEntropy', [f32(['N', 10]), f32(['N'])], {}, /^sparseSoftmaxCrossEntropy: input 1 has dtype f32, expected i32$/);
    assertShapeError('sparseSoftmaxCrossEntropy', [f32(['N', 10]), { shape: ['N', 1], dtype: 'i32' }], {}, /^sparseSoftmaxCrossEntropy: labels \[N,1\] should be \[N\]/);
    assert.throws(() => evaluateCase('sparseSoftmaxCrossEntropy', { inputs: [tensor([1, 2]), tensor([1], [2])], dtypes: ['f32', 'i32'] }),
      /sparseSoftmaxCrossEntropy: label 2 is not a class index in \[0, 2\)/);
  });
});
