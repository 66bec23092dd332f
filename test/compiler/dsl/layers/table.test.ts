import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { readLayer } from '../../../../compiler/dsl/layers/table';
import { arbFlatLayer, arbImageLayer } from '../../../../testing/arbitraries/spec';
import { assertDslError } from '../dsl-error';

describe('layer table', () => {
  it('reads every layer spec back to itself', () => {
    fc.assert(fc.property(fc.oneof(arbImageLayer, arbFlatLayer), (layer) => assert.deepStrictEqual(readLayer(layer, { fn: 't', path: [] }), layer)), { numRuns: 100 });
  });

  it('reports an unknown type at its path', () => {
    assertDslError(() => readLayer({ type: 'lstm' }, { fn: 'model', path: ['layers', 4] }), ['layers', 4, 'type'], /model: 'layers\[4\]\.type' must be a layer type .*, got "lstm"/);
  });
});
