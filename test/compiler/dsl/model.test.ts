import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { model, type ModelOptions } from '../../../compiler/dsl/model';
import { adam } from '../../../compiler/dsl/optimizers';
import { mnist } from '../../../compiler/dsl/data';
import { dense } from '../../../compiler/dsl/layers/weighted';
import type { LayerSpec } from '../../../compiler/dsl/spec';
import { arbModelSpec } from '../../../testing/arbitraries/spec';
import { assertDslError } from './dsl-error';

const base: ModelOptions = { name: 'm', input: [4], layers: [dense({ units: 2 })], loss: 'meanSquaredError', optimizer: adam(), data: mnist() };

describe('model', () => {
  it('fills in Keras fit defaults and no metrics', () => {
    const spec = model(base);
    assert.deepStrictEqual(spec.fit, { batchSize: 32, epochs: 1, validationSplit: 0, shuffle: true, seed: 0 });
    assert.deepStrictEqual(spec.metrics, []);
    assert.deepStrictEqual(model({ ...base, fit: { epochs: 3 } }).fit.epochs, 3);
  });

  it('is idempotent: a model spec reads back to itself (every layer reader accepts its own output)', () => {
    fc.assert(fc.property(arbModelSpec(), (spec) => assert.deepStrictEqual(model(spec), spec)), { numRuns: 100 });
  });

  it('validates hand-written layer objects like DSL results', () => {
    const handWritten = { type: 'dense', units: 3 } as unknown as LayerSpec;
    assert.deepStrictEqual(model({ ...base, layers: [handWritten] }).layers[0], dense({ units: 3 }));
    assertDslError(() => model({ ...base, layers: [{ type: 'dense', units: 0 } as unknown as LayerSpec] }), ['layers', 0, 'units'], /model: 'layers\[0\]\.units' must be a positive integer, got 0/);
    assertDslError(() => model({ ...base, layers: [{ type: 'conv3d' } as unknown as LayerSpec] }), ['layers', 0, 'type'], /a layer type/);
    assertDslError(() => model({ ...base, layers: [3 as unknown as LayerSpec] }), ['layers', 0], /a layer such as/);
  });

  it('rejects repeated layer names at the repeat', () => {
    const layers = [dense({ units: 2, name: 'a' }), dense({ units: 2 }), dense({ units: 2, name: 'a' })];
    assertDslError(() => model({ ...base, layers }), ['layers', 2, 'name'], /repeats the layer name 'a'/);
  });

  it('rejects bad model options with their paths', () => {
    assertDslError(() => model({ ...base, input: [28, 28] }), ['input'], /\[height, width, channels\] or \[features\]/);
    assertDslError(() => model({ ...base, input: [28, 0, 1] }), ['input', 1], /positive integer, got 0/);
    assertDslError(() => model({ ...base, layers: [] }), ['layers'], /non-empty array of layers/);
    assertDslError(() => model({ ...base, loss: 'hinge' as 'meanSquaredError' }), ['loss'], /one of 'categoricalCrossentropy'/);
    assertDslError(() => model({ ...base, metrics: ['accuracy', 'accuracy'] }), ['metrics', 1], /repeats 'accuracy'/);
    assertDslError(() => model({ ...base, fit: { batchSize: -250 } }), ['fit', 'batchSize'], /model: 'fit\.batchSize' must be a positive integer, got -250/);
    assertDslError(() => model({ ...base, fit: { validationSplit: 1 } }), ['fit', 'validationSplit'], /\[0, 1\)/);
    assertDslError(() => model({ ...base, fit: { seed: 2 ** 32 } }), ['fit', 'seed'], /\[0, 4294967295\]/);
    assertDslError(() => model({ ...base, name: 'my model' }), ['name'], /a name of at most 100 letters/);
    assertDslError(() => model({ ...base, optimizer: { kind: 'adagrad' } as unknown as ModelOptions['optimizer'] }), ['optimizer', 'kind'], /'adam', 'sgd', 'rmsprop' or 'adamw'/);
    assertDslError(() => model({ ...base, data: undefined } as unknown as ModelOptions), ['data'], /missing required option 'data'/);
  });
});
