import { strict as assert } from 'node:assert';
import { getOp } from '../../../compiler/ops/index';
import { assertShapeError } from './support/properties';

describe('ops/input', () => {
  for (const op of ['input']) {
    it(`${op}: its type is declared, not inferred, and its value must be fed`, () => {
      assert.equal(getOp(op).kind, 'source');
      assertShapeError(op, [], { name: 'x' }, new RegExp(`^${op}: ${op} 'x' has a declared type; it is not inferred$`));
      assert.throws(() => getOp(op).evaluate([], { name: 'x' }, { outShape: [], batch: 1, random: Math.random }), new RegExp(`no value fed for ${op} 'x'`));
    });
  }
});
