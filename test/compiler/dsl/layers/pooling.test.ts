import { strict as assert } from 'node:assert';
import { avgPool2d, maxPool2d } from '../../../../compiler/dsl/layers/pooling';
import { assertDslError } from '../dsl-error';

describe('pooling layers', () => {
  it('default to a 2x2 pool with strides equal to the pool size, as Keras', () => {
    assert.deepStrictEqual(maxPool2d(), { type: 'maxPool2d', poolSize: [2, 2], strides: [2, 2], padding: 'valid', name: null });
    assert.deepStrictEqual(avgPool2d({ poolSize: [3, 2] }), { type: 'avgPool2d', poolSize: [3, 2], strides: [3, 2], padding: 'valid', name: null });
    assert.deepStrictEqual(maxPool2d({ poolSize: 3, strides: 1, padding: 'same' }).strides, [1, 1]);
  });

  it('reject bad sizes', () => {
    assertDslError(() => maxPool2d({ poolSize: 0 }), ['poolSize'], /positive integer, got 0/);
    assertDslError(() => avgPool2d({ strides: [1, 0.5] }), ['strides', 1], /got 0.5/);
  });
});
