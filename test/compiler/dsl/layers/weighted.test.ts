import { strict as assert } from 'node:assert';
import { conv2d, dense } from '../../../../compiler/dsl/layers/weighted';
import { constant, heNormal } from '../../../../compiler/dsl/initializers';
import { l2 } from '../../../../compiler/dsl/regularizers';
import { maxNorm } from '../../../../compiler/dsl/constraints';
import { assertDslError } from '../dsl-error';

describe('conv2d and dense', () => {
  it('fill in the Keras defaults', () => {
    assert.deepStrictEqual(conv2d({ filters: 8, kernelSize: 3 }), {
      type: 'conv2d', filters: 8, kernelSize: [3, 3], strides: [1, 1], padding: 'valid', activation: 'linear', useBias: true,
      kernelInitializer: { kind: 'glorotUniform' }, biasInitializer: { kind: 'zeros' }, kernelRegularizer: null, biasRegularizer: null,
      kernelConstraint: null, biasConstraint: null, name: null,
    });
    assert.deepStrictEqual(dense({ units: 5 }), {
      type: 'dense', units: 5, activation: 'linear', useBias: true, kernelInitializer: { kind: 'glorotUniform' }, biasInitializer: { kind: 'zeros' },
      kernelRegularizer: null, biasRegularizer: null, kernelConstraint: null, biasConstraint: null, name: null,
    });
  });

  it('keep the options they are given', () => {
    const layer = conv2d({
      filters: 2, kernelSize: [3, 5], strides: 2, padding: 'same', activation: 'relu', useBias: false, kernelInitializer: heNormal(),
      biasInitializer: constant(0.1), kernelRegularizer: l2(), biasConstraint: maxNorm({ maxValue: 3 }), name: 'conv_1',
    });
    assert.deepStrictEqual(layer.kernelSize, [3, 5]);
    assert.deepStrictEqual(layer.strides, [2, 2]);
    assert.equal(layer.padding, 'same');
    assert.equal(layer.useBias, false);
    assert.deepStrictEqual(layer.kernelInitializer, { kind: 'heNormal' });
    assert.deepStrictEqual(layer.biasInitializer, { kind: 'constant', value: 0.1 });
    assert.deepStrictEqual(layer.kernelRegularizer, { kind: 'l1l2', l1: 0, l2: 0.01 });
    assert.deepStrictEqual(layer.biasConstraint, { kind: 'maxNorm', maxValue: 3, axis: [0] });
    assert.equal(layer.name, 'conv_1');
  });

  it('accept initializer names as Keras does', () => {
    assert.deepStrictEqual(dense({ units: 1, kernelInitializer: 'heUniform' }).kernelInitializer, { kind: 'heUniform' });
  });

  it('reject bad options with the property path', () => {
    assertDslError(() => conv2d({ filters: 0, kernelSize: 3 }), ['filters'], /positive integer, got 0/);
    assertDslError(() => conv2d({ filters: 1.5, kernelSize: 3 }), ['filters'], /positive integer, got 1.5/);
    assertDslError(() => conv2d({ filters: 4, kernelSize: [3, 3, 3] as unknown as [number, number] }), ['kernelSize'], /pair/);
    assertDslError(() => conv2d({ filters: 4, kernelSize: [3, -1] }), ['kernelSize', 1], /got -1/);
    assertDslError(() => conv2d({ filters: 4 } as Parameters<typeof conv2d>[0]), ['kernelSize'], /missing required option 'kernelSize'/);
    assertDslError(() => dense({ units: 3, activation: 'gelu' as 'relu' }), ['activation'], /one of 'linear', 'relu'/);
    assertDslError(() => dense({ units: 3, useBias: 1 as unknown as boolean }), ['useBias'], /true or false, got 1/);
    assertDslError(() => dense({ units: 3, kernelInitializer: 'random' as 'zeros' }), ['kernelInitializer'], /an initializer/);
    assertDslError(() => dense({ units: 3, kernelRegularizer: { kind: 'l1l2', l1: -1, l2: 0 } }), ['kernelRegularizer', 'l1'], /got -1/);
    assertDslError(() => dense({ units: 3, name: '1st' }), ['name'], /name of letters/);
    assertDslError(() => dense({ units: 3, bias: true } as Parameters<typeof dense>[0]), ['bias'], /unknown option 'bias'/);
    assertDslError(() => dense([3] as unknown as Parameters<typeof dense>[0]), [], /dense: the argument must be an options object/);
  });
});
