import { strict as assert } from 'node:assert';
import { formatDiagnostic, parseModelSource } from '../../../compiler/dsl/frontend';
import { model, type ModelOptions } from '../../../compiler/dsl/model';
import { adam } from '../../../compiler/dsl/optimizers';
import { mnist } from '../../../compiler/dsl/data';
import { dense } from '../../../compiler/dsl/layers/weighted';
import { binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy, sparseTopKCategoricalAccuracy, topKCategoricalAccuracy } from '../../../compiler/dsl/losses';
import { assertDslError } from './dsl-error';
import { runModelSource } from './run-model';

const base: ModelOptions = { name: 'm', input: [4], layers: [dense({ units: 3 })], loss: 'categoricalCrossentropy', optimizer: adam(), data: mnist() };

const SOURCE = `
import { model, dense, adam, mnist, sparseCategoricalCrossentropy, sparseTopKCategoricalAccuracy } from 'nnc';

export default model({
  name: 'logits',
  input: [4],
  layers: [dense({ units: 6 })],
  loss: sparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: adam(),
  metrics: ['accuracy', sparseTopKCategoricalAccuracy({ k: 3 })],
  data: mnist(),
});
`;

describe('losses and metrics in the DSL', () => {
  it('keeps loss names as they were, and a loss call with fromLogits sets it beside the name', () => {
    assert.equal(model(base).loss, 'categoricalCrossentropy');
    assert.equal('fromLogits' in model(base), false, 'fromLogits is present only when true');
    const spec = model({ ...base, loss: categoricalCrossentropy({ fromLogits: true }) });
    assert.equal(spec.loss, 'categoricalCrossentropy');
    assert.equal(spec.fromLogits, true);
    assert.deepStrictEqual(model({ ...base, loss: binaryCrossentropy() }), model({ ...base, loss: 'binaryCrossentropy' }));
    assert.deepStrictEqual(model(spec), spec, 'the spec reads back to itself');
    assert.deepStrictEqual(model({ ...base, loss: 'meanAbsoluteError' }).loss, 'meanAbsoluteError');
  });

  it('reads top-k metrics with Keras\' default k of 5, by name or by call', () => {
    assert.deepStrictEqual(model({ ...base, metrics: ['accuracy', 'topKCategoricalAccuracy'] }).metrics, ['accuracy', { kind: 'topKCategoricalAccuracy', k: 5 }]);
    assert.deepStrictEqual(model({ ...base, metrics: [topKCategoricalAccuracy({ k: 2 })] }).metrics, [{ kind: 'topKCategoricalAccuracy', k: 2 }]);
    const sparse = model({ ...base, loss: 'sparseCategoricalCrossentropy', metrics: [sparseTopKCategoricalAccuracy()] });
    assert.deepStrictEqual(sparse.metrics, [{ kind: 'sparseTopKCategoricalAccuracy', k: 5 }]);
  });

  it('reads a model file with a loss call and a top-k metric as running it does', () => {
    const result = parseModelSource(SOURCE, 'logits.ts');
    assert.ok(result.ok, result.ok ? '' : result.diagnostics.map(formatDiagnostic).join('\n'));
    assert.deepStrictEqual(result.spec, runModelSource(SOURCE));
    assert.equal(result.spec.fromLogits, true);
    assert.deepStrictEqual(result.spec.metrics, ['accuracy', { kind: 'sparseTopKCategoricalAccuracy', k: 3 }]);
  });

  it('rejects what does not fit, at the option at fault', () => {
    assertDslError(() => categoricalCrossentropy({ fromLogit: true } as never), ['fromLogit'], /unknown option 'fromLogit' \(did you mean 'fromLogits'\?\)/);
    assertDslError(() => binaryCrossentropy({ fromLogits: 1 } as never), ['fromLogits'], /true or false, got 1/);
    assertDslError(() => model({ ...base, loss: { kind: 'meanSquaredError', fromLogits: true } }), ['loss', 'fromLogits'], /cross-entropy losses only, not meanSquaredError/);
    assertDslError(() => model({ ...base, loss: 'hinge' as 'meanSquaredError' }), ['loss'], /one of 'categoricalCrossentropy'/);
    assertDslError(() => model({ ...base, loss: categoricalCrossentropy(), fromLogits: true }), ['fromLogits'], /is true but the loss says fromLogits: false/);
    assertDslError(() => model({ ...base, metrics: ['accuracy', 'accuracy'] }), ['metrics', 1], /repeats 'accuracy'/);
    assertDslError(() => model({ ...base, metrics: [sparseTopKCategoricalAccuracy()] }), ['metrics', 0], /reads the labels of sparseCategoricalCrossentropy, but the loss is categoricalCrossentropy/);
    assertDslError(() => model({ ...base, metrics: ['precision' as 'accuracy'] }), ['metrics', 0], /one of 'accuracy', 'topKCategoricalAccuracy'/);
    assertDslError(() => topKCategoricalAccuracy({ k: 0 }), ['k'], /positive integer, got 0/);
    assert.doesNotThrow(() => sparseCategoricalCrossentropy({}));
  });
});
