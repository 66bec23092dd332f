import { strict as assert } from 'node:assert';
import { tensor } from '../../../compiler/ir/tensor';
import { batchedUnaryCases } from './support/cases';
import { evaluateCase, itChecksGradients, ruleGradients } from './support/properties';

describe('ops/shapeCount', () => {
  it('counts the elements on the axes of the bound shape (all when absent)', () => {
    const x = tensor([4, 2, 3]);
    assert.deepEqual([...evaluateCase('shapeCount', { inputs: [x], attrs: { axes: [0, -1] }, batched: [true] }).data], [12]);
    assert.deepEqual([...evaluateCase('shapeCount', { inputs: [x] }).data], [24]);
    assert.deepEqual(evaluateCase('shapeCount', { inputs: [x], attrs: { axes: [1] } }).shape, []);
  });

  it('has a zero gradient, so means over parameter-fed values differentiate', () => {
    const [dx] = ruleGradients('shapeCount', { inputs: [tensor([2, 2], [1, 2, 3, 4])], batched: [true] });
    assert.deepEqual([...dx.data], [0, 0, 0, 0]);
  });

  itChecksGradients('shapeCount', batchedUnaryCases(), 5);
});
