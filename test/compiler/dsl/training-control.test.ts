// The DSL's training controls: optimizers' clipping options, schedules as learning rates and
// fit's earlyStopping callback: Keras 3's defaults, normalised specs, one-line errors at the
// option at fault, and a model file using them read by the front end as the DSL builds it.

import { strict as assert } from 'node:assert';
import { adam, adamw, earlyStopping, exponentialDecay, model, mnist, dense, rmsprop, sgd } from '../../../compiler/dsl/index';
import { parseModelSource } from '../../../compiler/dsl/frontend';
import { assertDslError } from './dsl-error';

describe('DSL: training control', () => {
  it('clipping keys are present only when given, and only one of them', () => {
    assert.deepEqual(sgd({ clipnorm: 1 }), { kind: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false, clipnorm: 1 });
    assert.equal('clipvalue' in adam(), false);
    assertDslError(() => adam({ clipnorm: 1, clipvalue: 0.5 }), ['clipvalue'], /adam: 'clipvalue' cannot be combined with 'clipnorm'/);
    assertDslError(() => rmsprop({ globalClipnorm: 0 }), ['globalClipnorm'], /must be a number in \(0, Infinity\), got 0/);
  });

  it("rmsprop takes rho or TF.js' decay, not both; adamw's weightDecay is in [0, 1)", () => {
    assertDslError(() => rmsprop({ rho: 0.9, decay: 0.9 }), ['decay'], /rmsprop: 'decay' is TF.js' name for rho: give one of them/);
    assertDslError(() => adamw({ weightDecay: 1 }), ['weightDecay'], /\[0, 1\), got 1/);
  });

  it('a schedule is a learning rate; anything else is refused naming the option', () => {
    const s = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    assert.deepEqual(adamw({ learningRate: s }).learningRate, { kind: 'exponentialDecay', initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: false });
    assertDslError(() => sgd({ learningRate: { kind: 'linear' } as never }), ['learningRate'], /a positive number or a schedule/);
  });

  it("earlyStopping has Keras 3's defaults and fit takes it in callbacks (once)", () => {
    assert.deepEqual(earlyStopping(), {
      kind: 'earlyStopping', monitor: 'val_loss', minDelta: 0, patience: 0, mode: 'auto', baseline: null, restoreBestWeights: false, startFromEpoch: 0,
    });
    assert.equal(earlyStopping({ minDelta: -0.5 }).minDelta, 0.5);
    assertDslError(() => earlyStopping({ monitor: 'val_acc' as never }), ['monitor'], /one of 'val_loss', 'val_accuracy', 'loss', 'accuracy'/);
    const base = { name: 'm', input: [4], layers: [dense({ units: 2, activation: 'softmax' })], loss: 'categoricalCrossentropy' as const, optimizer: adam(), data: mnist() };
    assert.deepEqual(model({ ...base, fit: { callbacks: [earlyStopping({ patience: 2 })] } }).fit.callbacks, [earlyStopping({ patience: 2 })]);
    assert.equal('callbacks' in model(base).fit, false);
    assertDslError(() => model({ ...base, fit: { callbacks: [earlyStopping(), earlyStopping()] } }), ['fit', 'callbacks', 1], /repeats earlyStopping/);
  });

  it('the front end reads a model file with all of them as the DSL builds it, and points at a bad option', () => {
    const source = `import { model, dense, rmsprop, cosineDecay, earlyStopping, mnist } from 'nnc';
export default model({
  name: 'm', input: [4], layers: [dense({ units: 2, activation: 'softmax' })], loss: 'categoricalCrossentropy',
  optimizer: rmsprop({ learningRate: cosineDecay({ initialLearningRate: 0, decaySteps: 100, warmupTarget: 0.01, warmupSteps: 10 }), centered: true, clipnorm: 1 }),
  fit: { validationSplit: 0.2, callbacks: [earlyStopping({ monitor: 'val_accuracy', patience: 3, restoreBestWeights: true })] },
  data: mnist(),
});
`;
    const r = parseModelSource(source, 'm.ts');
    assert.ok(r.ok, r.ok ? '' : r.diagnostics.map((d) => d.message).join('\n'));
    assert.deepEqual(r.spec.optimizer, rmsprop({ learningRate: { kind: 'cosineDecay', initialLearningRate: 0, decaySteps: 100, alpha: 0, warmupTarget: 0.01, warmupSteps: 10 }, centered: true, clipnorm: 1 }));
    assert.deepEqual(r.spec.fit.callbacks, [earlyStopping({ monitor: 'val_accuracy', patience: 3, restoreBestWeights: true })]);
    const bad = parseModelSource(source.replace('patience: 3', 'patience: -1'), 'm.ts');
    assert.ok(!bad.ok);
    assert.match(bad.diagnostics[0].message, /patience/);
    assert.equal(bad.diagnostics[0].line, 5);
  });
});
