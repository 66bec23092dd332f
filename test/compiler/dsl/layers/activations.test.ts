import { strict as assert } from 'node:assert';
import { elu, leakyRelu, prelu, relu, sigmoid, softmax, tanh } from '../../../../compiler/dsl/layers/activations';
import { constant } from '../../../../compiler/dsl/initializers';
import { l1 } from '../../../../compiler/dsl/regularizers';
import { nonNeg } from '../../../../compiler/dsl/constraints';
import { assertDslError } from '../dsl-error';

describe('activation layers', () => {
  it('prelu follows Keras: alpha initialised to zeros, no sharing', () => {
    assert.deepStrictEqual(prelu(), { type: 'prelu', alphaInitializer: { kind: 'zeros' }, alphaRegularizer: null, alphaConstraint: null, sharedAxes: [], name: null });
  });

  it('prelu keeps its options; shared axes are sorted and one axis may be a number', () => {
    const layer = prelu({ alphaInitializer: constant(0.25), alphaRegularizer: l1(0.5), alphaConstraint: nonNeg(), sharedAxes: [2, 1], name: 'p' });
    assert.deepStrictEqual(layer, {
      type: 'prelu', alphaInitializer: { kind: 'constant', value: 0.25 }, alphaRegularizer: { kind: 'l1l2', l1: 0.5, l2: 0 },
      alphaConstraint: { kind: 'nonNeg' }, sharedAxes: [1, 2], name: 'p',
    });
    assert.deepStrictEqual(prelu({ sharedAxes: 3 }).sharedAxes, [3]);
  });

  it('prelu rejects repeated, zero (batch) and fractional shared axes', () => {
    assertDslError(() => prelu({ sharedAxes: [1, 1] }), ['sharedAxes', 1], /repeats axis 1/);
    assertDslError(() => prelu({ sharedAxes: [0] }), ['sharedAxes', 0], /positive integer, got 0/);
    assertDslError(() => prelu({ sharedAxes: 1.5 }), ['sharedAxes'], /positive integer, got 1.5/);
  });

  it('leakyRelu and elu have Keras alphas (0.3 and 1)', () => {
    assert.deepStrictEqual(leakyRelu(), { type: 'leakyRelu', alpha: 0.3, name: null });
    assert.deepStrictEqual(elu(), { type: 'elu', alpha: 1, name: null });
    assert.equal(leakyRelu({ alpha: 0.1 }).alpha, 0.1);
    assertDslError(() => leakyRelu({ alpha: -0.1 }), ['alpha'], /got -0.1/);
    assertDslError(() => elu({ alpha: Infinity }), ['alpha'], /finite number, got Infinity/);
  });

  it('parameter-free activations take only a name', () => {
    assert.deepStrictEqual([relu(), sigmoid(), tanh(), softmax({ name: 's' })].map((l) => [l.type, l.name]), [['relu', null], ['sigmoid', null], ['tanh', null], ['softmax', 's']]);
    assertDslError(() => relu({ maxValue: 6 } as Parameters<typeof relu>[0]), ['maxValue'], /relu: unknown option 'maxValue'/);
  });
});
