import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { PROBS, sparseCases } from './support/losses';
import { assertShapeError, evaluateCase, f32, itChecksGradients, itInfersTheEvaluatedShape, ruleGradients } from './support/properties';

describe('ops/sparseCategoricalCrossentropy', () => {
  itChecksGradients('sparseCategoricalCrossentropy', sparseCases(PROBS));
  itInfersTheEvaluatedShape('sparseCategoricalCrossentropy', sparseCases(PROBS), (c) => [c.inputs[0].shape[0]]);

  it('equals the dense op on the one-hot labels (Keras 3 semantics), value and gradient', () => {
    const probs = tensor([2, 3], [0.2, 0.3, 0.9, 0.6, 0.1, 0.1]);
    const sparse = { inputs: [probs, tensor([2], [1, 0])], dtypes: ['f32', 'i32'] as const, constant: [1] };
    const dense = { inputs: [probs, tensor([2, 3], [0, 1, 0, 1, 0, 0])], constant: [1] };
    assert.deepEqual([...evaluateCase('sparseCategoricalCrossentropy', sparse).data], [...evaluateCase('categoricalCrossentropy', dense).data]);
    const w = tensor([2], [0.5, 3]);
    assert.deepEqual([...ruleGradients('sparseCategoricalCrossentropy', sparse, w)[0].data], [...ruleGradients('categoricalCrossentropy', dense, w)[0].data]);
  });

  it('needs i32 labels with the class axis dropped', () => {
    assertShapeError('sparseCategoricalCrossentropy', [f32(['N', 10]), { shape: [4], dtype: 'i32' }], {}, /labels \[4\] should be \[N\]/);
  });
});
