import { strict as assert } from 'node:assert';
import { activation } from '../../../../compiler/dsl/layers/activations';
import { globalAveragePooling2d, globalMaxPooling2d } from '../../../../compiler/dsl/layers/pooling';
import { reshape } from '../../../../compiler/dsl/layers/reshaping';
import { assertDslError } from '../dsl-error';

describe('globalAveragePooling2d, globalMaxPooling2d, reshape and activation', () => {
  it('global poolings drop H and W by default (Keras keepdims=False) and take keepDims', () => {
    assert.deepStrictEqual(globalAveragePooling2d(), { type: 'globalAveragePooling2d', keepDims: false, name: null });
    assert.deepStrictEqual(globalMaxPooling2d({ keepDims: true, name: 'gmp' }), { type: 'globalMaxPooling2d', keepDims: true, name: 'gmp' });
    assertDslError(() => globalMaxPooling2d({ keepDims: 1 as unknown as boolean }), ['keepDims'], /globalMaxPooling2d: 'keepDims' must be true or false, got 1/);
    assertDslError(() => globalAveragePooling2d({ keepdims: true } as never), ['keepdims'], /did you mean 'keepDims'\?/);
  });

  it('reshape takes positive dims with at most one -1, and nothing else', () => {
    assert.deepStrictEqual(reshape({ targetShape: [7, -1, 16] }), { type: 'reshape', targetShape: [7, -1, 16], name: null });
    assertDslError(() => reshape({ targetShape: [] }), ['targetShape'], /reshape: 'targetShape' must be a non-empty array of positive integers \(one may be -1\), got \[\]/);
    assertDslError(() => reshape({ targetShape: [4, 0] }), ['targetShape', 1], /'targetShape\[1\]' must be a positive integer or -1, got 0/);
    assertDslError(() => reshape({ targetShape: [2.5] }), ['targetShape', 0], /got 2\.5/);
    assertDslError(() => reshape({ targetShape: [-1, 4, -1] }), ['targetShape', 2], /'targetShape\[2\]' is a second -1: only one dimension can be inferred/);
    assertDslError(() => reshape({} as never), ['targetShape'], /reshape: missing required option 'targetShape'/);
  });

  it('activation names one of the activations dense and conv2d take, and requires it', () => {
    for (const a of ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu'] as const) {
      assert.deepStrictEqual(activation({ activation: a }), { type: 'activation', activation: a, name: null });
    }
    assertDslError(() => activation({ activation: 'gelu' as never }), ['activation'], /activation: 'activation' must be one of 'linear', 'relu', .*, got "gelu"/);
    assertDslError(() => activation({} as never), ['activation'], /activation: missing required option 'activation'/);
  });
});
