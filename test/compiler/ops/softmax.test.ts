import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { softmaxCases } from './support/softmax';
import { assertShapeError, evaluateCase, f32, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';

describe('ops/softmax', () => {
  itChecksGradients('softmax', softmaxCases());
  itInfersTheEvaluatedShape('softmax', softmaxCases(), (c) => c.inputs[0].shape);

  it('normalises along the axis and is stable for large logits', () => {
    const y = evaluateCase('softmax', { inputs: [tensor([2, 2], [0, Math.log(3), 1000, 1000])], attrs: { axis: -1 } });
    assert.deepEqual([...y.data].map((v) => +v.toFixed(12)), [0.25, 0.75, 0.5, 0.5]);
    const cols = evaluateCase('softmax', { inputs: [tensor([2, 2], [0, 5, Math.log(3), 5])], attrs: { axis: 0 } });
    assert.deepEqual([...cols.data].map((v) => +v.toFixed(12)), [0.25, 0.5, 0.75, 0.5]);
  });

  it('rejects an axis out of range', () => {
    assertShapeError('softmax', [f32(['N', 10])], { axis: 2 }, /^softmax: axis 2 is out of range for rank 2$/);
  });
});
