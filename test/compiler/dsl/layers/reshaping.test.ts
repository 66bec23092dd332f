import { strict as assert } from 'node:assert';
import { dropout, flatten } from '../../../../compiler/dsl/layers/reshaping';
import { assertDslError } from '../dsl-error';

describe('dropout and flatten', () => {
  it('dropout keeps a rate in [0, 1)', () => {
    assert.deepStrictEqual(dropout({ rate: 0.25 }), { type: 'dropout', rate: 0.25, name: null });
    assert.equal(dropout({ rate: 0 }).rate, 0);
    assertDslError(() => dropout({ rate: 1 }), ['rate'], /dropout: 'rate' must be a number in \[0, 1\), got 1/);
    assertDslError(() => dropout({ rate: -0.1 }), ['rate'], /got -0.1/);
    assertDslError(() => dropout({} as Parameters<typeof dropout>[0]), ['rate'], /missing required option 'rate'/);
  });

  it('flatten takes only a name', () => {
    assert.deepStrictEqual(flatten(), { type: 'flatten', name: null });
    assert.deepStrictEqual(flatten({ name: 'f' }), { type: 'flatten', name: 'f' });
  });
});
