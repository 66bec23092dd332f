// The whole-model arbitrary: what it draws is a model the DSL itself would build (model()
// normalises it to itself, the front end reads it back from its printed file), it lowers,
// options narrow it, and its features name what a model exercises.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  adam, avgPool2d, conv2d, dense, dropout, flatten, heNormal, l1, l2, maxNorm, maxPool2d, mnist, model, ones, prelu, sgd, softmax,
  activation, globalAveragePooling2d, globalMaxPooling2d, reshape,
  type ModelSpec,
} from '../../../compiler/dsl/index';
import { formatDiagnostic, parseModelSource } from '../../../compiler/dsl/frontend';
import { compileSpec } from '../../../compiler/pipeline';
import { arbTrainableModelSpec, MODEL_FEATURES, missingFeatures, modelFeatures } from '../../../testing/arbitraries/model';
import { fitToShapes } from '../../../testing/arbitraries/model-shapes';
import { printModelSource } from '../../../testing/arbitraries/spec';

const base = (input: readonly number[], layers: ModelSpec['layers']): ModelSpec => ({
  name: 'm', input, layers, loss: 'categoricalCrossentropy', optimizer: adam(), metrics: ['accuracy'],
  fit: { batchSize: 3, epochs: 1, validationSplit: 0, shuffle: false, seed: 0 }, data: mnist(),
});

describe('testing/arbitraries/model arbTrainableModelSpec', () => {
  it('draws models the DSL normalises to themselves, and that lower', () => {
    fc.assert(fc.property(arbTrainableModelSpec(), (spec) => {
      assert.deepStrictEqual(model(spec), spec);
      compileSpec(spec);
    }), { numRuns: 200, seed: 3 });
  });

  it('draws models the front end reads back from their printed files', () => {
    fc.assert(fc.property(arbTrainableModelSpec(), (spec) => {
      const r = parseModelSource(printModelSource(spec), 'drawn.ts');
      assert.ok(r.ok, r.ok ? '' : r.diagnostics.map(formatDiagnostic).join('\n'));
      assert.deepStrictEqual(r.spec, spec);
    }), { numRuns: 15, seed: 4 });
  });

  it('draws every feature it lists, and only listed ones', () => {
    const specs = fc.sample(arbTrainableModelSpec(), { seed: 5, numRuns: 400 });
    assert.deepEqual(missingFeatures(specs), []);
    const unlisted = [...new Set(specs.flatMap(modelFeatures))].filter((f) => !MODEL_FEATURES.includes(f));
    assert.deepEqual(unlisted, []);
  });

  it('narrows to what the options allow', () => {
    const specs = fc.sample(arbTrainableModelSpec({
      ranks: [3], optimizers: ['sgd'], losses: ['meanSquaredError'], initializers: 'random', regularizers: false, constraints: false,
      batch: { min: 2, max: 2 }, classes: { min: 4, max: 4 }, maxSide: 4,
    }), { seed: 6, numRuns: 100 });
    const features = new Set(specs.flatMap(modelFeatures));
    const drawn = (prefix: string): string[] => [...features].filter((f) => f.startsWith(prefix)).sort();
    assert.deepEqual(drawn('input:'), ['input:rank3']);
    assert.deepEqual(drawn('optimizer:'), ['optimizer:sgd']);
    assert.deepEqual(drawn('loss:'), ['loss:meanSquaredError']);
    assert.deepEqual(drawn('init:'), ['init:glorotNormal', 'init:glorotUniform', 'init:heNormal', 'init:heUniform']);
    assert.deepEqual([...drawn('regularizer'), ...drawn('constraint')], []);
    assert.deepEqual(drawn('batch:'), ['batch:even']);
    for (const s of specs) {
      assert.ok(s.input[0] <= 4 && s.input[1] <= 4);
      const head = s.layers.filter((l) => l.type === 'dense').pop();
      assert.equal(head?.type === 'dense' && head.units, 4);
    }
  });
});

describe('testing/arbitraries/model features and shapes', () => {
  it('lists what a model exercises', () => {
    const spec = base([5, 5, 2], [
      conv2d({ filters: 2, kernelSize: [1, 3], strides: [2, 1], padding: 'same', useBias: false, kernelRegularizer: l1(0.01), kernelInitializer: ones() }),
      prelu({ sharedAxes: [1, 2], alphaConstraint: maxNorm() }), maxPool2d({ poolSize: 3, strides: 2 }), dropout({ rate: 0 }), flatten(),
      dense({ units: 20, activation: 'linear', kernelInitializer: heNormal(), biasRegularizer: l2(0.1) }), softmax(),
    ]);
    assert.deepEqual(modelFeatures({ ...spec, optimizer: sgd({ momentum: 0.5 }), fit: { ...spec.fit, batchSize: 1 } }).sort(), [
      'activation:linear', 'batch:1', 'classes:20', 'clip:none', 'constraint.on:alpha', 'constraint:maxNorm',
      'conv.kernel:1', 'conv.kernel:3', 'conv.padding:same', 'conv.stride:1', 'conv.stride:2',
      'dropout.rate:0', 'head:softmaxLayer', 'init:heNormal', 'init:ones', 'init:zeros', 'input:rank3',
      'layer:conv2d', 'layer:dense', 'layer:dropout', 'layer:flatten', 'layer:maxPool2d', 'layer:prelu', 'layer:softmax',
      'loss:categoricalCrossentropy', 'optimizer:sgd', 'pool.overlapping', 'pool.padding:valid', 'pool.strided',
      'prelu.shared:some', 'regularizer.on:bias', 'regularizer.on:kernel', 'regularizer:l1', 'regularizer:l2',
      'schedule:constant', 'sgd.momentum:0.5', 'sgd.nesterov:false', 'useBias:false', 'useBias:true',
    ]);
  });

  it('shrinks a valid window larger than its map to the map, and leaves same padding alone', () => {
    const spec = fitToShapes(base([4, 6, 1], [
      conv2d({ filters: 1, kernelSize: 3, strides: 2 }), avgPool2d({ poolSize: [3, 3] }), maxPool2d({ poolSize: 3, padding: 'same' }), flatten(), dense({ units: 2, activation: 'softmax' }),
    ]));
    // conv 3x3 stride 2 on 4x6 -> 1x2; the 3x3 pool shrinks to 1x2 -> 1x1; 'same' keeps 3x3.
    assert.deepEqual(spec.layers.slice(0, 3).map((l) => ('poolSize' in l ? l.poolSize : 'kernelSize' in l ? l.kernelSize : null)), [[3, 3], [1, 2], [3, 3]]);
    compileSpec(spec);
  });
});

describe('testing/arbitraries/model: global pooling, reshape and activation layers', () => {
  it('repairs a reshape that does not fit its image by swapping H and W, and tracks shapes through global pooling', () => {
    const spec = fitToShapes(base([3, 5, 2], [
      reshape({ targetShape: [2, -1, 1] }), globalMaxPooling2d({ keepDims: true }), conv2d({ filters: 2, kernelSize: 3 }),
      globalAveragePooling2d(), dense({ units: 2, activation: 'softmax' }),
    ]));
    // 30 values split into [2, 15, 1]: kept as drawn.
    assert.deepEqual(spec.layers[0].type === 'reshape' && spec.layers[0].targetShape, [2, -1, 1]);
    // After [1, 1, 2] the valid 3x3 kernel shrinks to 1x1.
    assert.deepEqual(spec.layers[2].type === 'conv2d' && spec.layers[2].kernelSize, [1, 1]);
    compileSpec(spec);
    const odd = fitToShapes(base([3, 5, 1], [reshape({ targetShape: [2, -1, 1] }), flatten(), dense({ units: 2, activation: 'softmax' })]));
    assert.deepEqual(odd.layers[0].type === 'reshape' && odd.layers[0].targetShape, [5, 3, 1]);
    compileSpec(odd);
  });

  it('names the options these layers exercise, and the rank after them', () => {
    const spec = base([4, 4, 2], [
      activation({ activation: 'tanh' }), reshape({ targetShape: [2, -1, 2] }), globalMaxPooling2d({ keepDims: true }), globalAveragePooling2d(),
      prelu({ sharedAxes: [1] }), reshape({ targetShape: [-1] }), dense({ units: 3, activation: 'softmax' }),
    ]);
    const f = modelFeatures(spec);
    for (const want of ['layer:activation', 'activation:tanh', 'layer:reshape', 'reshape.rank:3', 'reshape.rank:1', 'layer:globalMaxPooling2d',
      'globalPool.keepDims:true', 'layer:globalAveragePooling2d', 'globalPool.keepDims:false', 'prelu.shared:all']) {
      assert.ok(f.includes(want), `${want} not in ${f.join(', ')}`);
    }
  });
});
