// Initializers, regularizers, constraints, optimizers and data sources: Keras defaults and validation.

import { strict as assert } from 'node:assert';
import * as nnc from '../../../compiler/dsl/index';
import { assertDslError } from './dsl-error';

describe('DSL parts', () => {
  it('initializers', () => {
    const kinds = [nnc.zeros(), nnc.ones(), nnc.glorotUniform(), nnc.glorotNormal(), nnc.heNormal(), nnc.heUniform()].map((i) => i.kind);
    assert.deepStrictEqual(kinds, ['zeros', 'ones', 'glorotUniform', 'glorotNormal', 'heNormal', 'heUniform']);
    assert.deepStrictEqual(nnc.constant(-0.5), { kind: 'constant', value: -0.5 });
    assertDslError(() => nnc.constant(NaN), [], /constant: value must be a finite number, got NaN/);
  });

  it('regularizers all become l1l2 with the Keras factor 0.01', () => {
    assert.deepStrictEqual(nnc.l1(), { kind: 'l1l2', l1: 0.01, l2: 0 });
    assert.deepStrictEqual(nnc.l2(0.5), { kind: 'l1l2', l1: 0, l2: 0.5 });
    assert.deepStrictEqual(nnc.l1l2(), { kind: 'l1l2', l1: 0.01, l2: 0.01 });
    assert.deepStrictEqual(nnc.l1l2({ l2: 0 }), { kind: 'l1l2', l1: 0.01, l2: 0 });
    assertDslError(() => nnc.l2(-1), [], /l2: the factor must be a number in \[0, Infinity\], got -1/);
    assertDslError(() => nnc.l1l2({ l3: 1 } as nnc.L1L2Options), ['l3'], /unknown option 'l3'/);
  });

  it('constraints with Keras defaults; axis normalised to a sorted list', () => {
    assert.deepStrictEqual(nnc.nonNeg(), { kind: 'nonNeg' });
    assert.deepStrictEqual(nnc.maxNorm(), { kind: 'maxNorm', maxValue: 2, axis: [0] });
    assert.deepStrictEqual(nnc.maxNorm({ maxValue: 3, axis: [2, 0, 1] }), { kind: 'maxNorm', maxValue: 3, axis: [0, 1, 2] });
    assert.deepStrictEqual(nnc.minMaxNorm(), { kind: 'minMaxNorm', minValue: 0, maxValue: 1, rate: 1, axis: [0] });
    assertDslError(() => nnc.minMaxNorm({ minValue: 2, maxValue: 1 }), ['maxValue'], /must not be below minValue/);
    assertDslError(() => nnc.minMaxNorm({ rate: 1.5 }), ['rate'], /\[0, 1\], got 1.5/);
    assertDslError(() => nnc.maxNorm({ axis: [0, 0] }), ['axis', 1], /repeats axis 0/);
  });

  it('optimizers with Keras defaults', () => {
    assert.deepStrictEqual(nnc.adam(), { kind: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    assert.deepStrictEqual(nnc.sgd(), { kind: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false });
    assert.deepStrictEqual(nnc.sgd({ momentum: 0.9, nesterov: true }), { kind: 'sgd', learningRate: 0.01, momentum: 0.9, nesterov: true });
    assertDslError(() => nnc.adam({ learningRate: 0 }), ['learningRate'], /\(0, Infinity\), got 0/);
    assertDslError(() => nnc.adam({ beta1: 1 }), ['beta1'], /\[0, 1\), got 1/);
    assertDslError(() => nnc.sgd({ momentum: -0.1 }), ['momentum'], /got -0.1/);
  });

  it('data sources', () => {
    assert.deepStrictEqual(nnc.mnist(), { kind: 'mnist' });
    assert.deepStrictEqual(nnc.idx('data/fashion'), { kind: 'idx', dir: 'data/fashion' });
    assertDslError(() => nnc.idx(''), [], /idx: the directory must be a non-empty directory path/);
    assert.deepStrictEqual(nnc.idx({ dir: 'd', normalize: 'standardize' }), { kind: 'idx', dir: 'd', normalize: 'standardize' });
    assert.deepStrictEqual(nnc.fashionMnist(), { kind: 'fashionMnist' });
    assert.deepStrictEqual(nnc.mnist({ normalize: 'none' }), { kind: 'mnist', normalize: 'none' });
    assert.deepStrictEqual(nnc.csv({ train: 'a.csv', test: 'b.csv' }), { kind: 'csv', train: 'a.csv', test: 'b.csv', label: 'label', classes: null });
    assert.deepStrictEqual(nnc.csv({ train: 'a.csv', test: 'b.csv', label: 'y', classes: ['n', 'p'], normalize: 'scale' }),
      { kind: 'csv', train: 'a.csv', test: 'b.csv', label: 'y', classes: ['n', 'p'], normalize: 'scale' });
    assert.deepStrictEqual(nnc.imageFolder({ train: 't', test: 'v' }), { kind: 'imageFolder', train: 't', test: 'v' });
    assertDslError(() => nnc.mnist({ normalize: 'minmax' as 'scale' }), ['normalize'], /mnist: 'normalize' must be one of 'scale', 'standardize', 'none', got "minmax"/);
    assertDslError(() => nnc.csv({ train: 'a', test: 'b', classes: ['x', 'x'] }), ['classes', 1], /repeats 'x'/);
    assertDslError(() => nnc.imageFolder({ train: 'a' } as { train: string; test: string }), ['test'], /imageFolder: missing required option 'test'/);
  });
});
