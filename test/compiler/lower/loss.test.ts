// The loss heads added beside the categorical ones: binary cross-entropy (from a sigmoid, from
// logits, from probabilities it must clip), mean absolute error, and fromLogits, each against
// the textbook formula computed here; plus the build-time warnings about output and loss.

import { strict as assert } from 'node:assert';
import {
  model, dense, relu, softmax, dropout, adam, mnist, binaryCrossentropy, categoricalCrossentropy, type LayerSpec, type ModelOptions, type ModelSpec,
} from '../../../compiler/dsl/index';
import { lowerModel, LowerError } from '../../../compiler/lower/lower';
import { interpret } from '../../../compiler/ir/interpret';
import { tensor, type Tensor } from '../../../compiler/ir/tensor';
import { compileSource, compileSpec } from '../../../compiler/pipeline';

const X = [0.5, -1, 2, 0.25, -0.75, 1.5];
const W = [0.3, -0.7];
const B = 0.1;

function spec(layers: readonly LayerSpec[], loss: ModelOptions['loss']): ModelSpec {
  return model({ name: 'test', input: [2], layers, loss, optimizer: adam(), data: mnist() });
}

/** The inference loss of a one-unit dense model on three examples with labels `labels`. */
function lossOf(s: ModelSpec, labels: Tensor): number {
  const g = lowerModel(s, 'infer').graph;
  return interpret(g, { x: tensor([3, 2], X), labels, 'dense_1.kernel': tensor([2, 1], W), 'dense_1.bias': tensor([1], [B]) }).outputs.loss.data[0];
}

const logits = [0, 1, 2].map((i) => X[2 * i] * W[0] + X[2 * i + 1] * W[1] + B);
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('loss heads', () => {
  const targets = [1, 0, 1];
  const bce = targets.reduce((s, t, i) => s - (t * Math.log(sigmoid(logits[i])) + (1 - t) * Math.log(1 - sigmoid(logits[i]))), 0) / 3;

  it('binary cross-entropy after a sigmoid unit, or on logits with fromLogits, is the mean of -z log p - (1-z) log(1-p)', () => {
    const labels = tensor([3], targets);
    const fromSigmoid = lossOf(spec([dense({ units: 1, activation: 'sigmoid' })], 'binaryCrossentropy'), labels);
    const fromLogits = lossOf(spec([dense({ units: 1 })], binaryCrossentropy({ fromLogits: true })), labels);
    assert.ok(Math.abs(fromSigmoid - bce) < 1e-12, `${fromSigmoid} vs ${bce}`);
    assert.ok(Math.abs(fromLogits - bce) < 1e-12, `${fromLogits} vs ${bce}`);
  });

  it('binary cross-entropy on an output that is not a sigmoid clips it to [1e-7, 1 - 1e-7] (as float32 holds them), as Keras', () => {
    const s = spec([dense({ units: 1, activation: 'relu' })], 'binaryCrossentropy');
    const p = logits.map((z) => Math.min(Math.max(Math.max(z, 0), Math.fround(1e-7)), Math.fround(1 - 1e-7)));
    const want = targets.reduce((sum, t, i) => sum - (t * Math.log(p[i]) + (1 - t) * Math.log(1 - p[i])), 0) / 3;
    const got = lossOf(s, tensor([3], targets));
    assert.ok(Math.abs(got - want) < 1e-9, `${got} vs ${want}`);
  });

  it('binary cross-entropy after a sigmoid runs from its logits, as Keras: a logit of 40 costs 40, not the clipped -log(1e-7)', () => {
    const s = spec([dense({ units: 1, activation: 'sigmoid' })], 'binaryCrossentropy');
    const g = lowerModel(s, 'infer').graph;
    const feeds = { x: tensor([1, 2], [40, 0]), labels: tensor([1], [0]), 'dense_1.kernel': tensor([2, 1], [1, 0]), 'dense_1.bias': tensor([1], [0]) };
    assert.ok(Math.abs(interpret(g, feeds).outputs.loss.data[0] - 40) < 1e-12);
  });

  it('tells the runtime a binary classifier has 2 classes, one label per example, and where its threshold is', () => {
    const probs = compileSpec(spec([dense({ units: 1, activation: 'sigmoid' })], 'binaryCrossentropy')).io;
    const logits = compileSpec(spec([dense({ units: 1 })], binaryCrossentropy({ fromLogits: true }))).io;
    assert.deepEqual([probs.classes, probs.labelSize, probs.sparse, probs.threshold], [2, 1, true, 0.5]);
    assert.deepEqual([logits.classes, logits.labelSize, logits.sparse, logits.threshold], [2, 1, true, 0]);
    assert.equal(compileSpec(spec([dense({ units: 3, activation: 'softmax' })], 'categoricalCrossentropy')).io.threshold, undefined);
  });

  it('mean absolute error is the mean of |y - t| over the units, then the batch', () => {
    const got = lossOf(spec([dense({ units: 1 })], 'meanAbsoluteError'), tensor([3, 1], [1, -2, 0.5]));
    const want = (Math.abs(logits[0] - 1) + Math.abs(logits[1] + 2) + Math.abs(logits[2] - 0.5)) / 3;
    assert.ok(Math.abs(got - want) < 1e-12, `${got} vs ${want}`);
  });

  it('categorical cross-entropy with fromLogits is the softmax head\'s loss on the same scores', () => {
    const layers = [dense({ units: 3 })];
    const g1 = lowerModel(spec(layers, categoricalCrossentropy({ fromLogits: true })), 'infer').graph;
    const g2 = lowerModel(spec([...layers, softmax()], 'categoricalCrossentropy'), 'infer').graph;
    const feeds = { x: tensor([1, 2], [0.5, -1]), labels: tensor([1, 3], [0, 1, 0]), 'dense_1.kernel': tensor([2, 3], [0.1, 0.2, 0.3, -0.4, 0.5, -0.6]), 'dense_1.bias': tensor([3], [0, 0.1, 0]) };
    assert.equal(interpret(g1, feeds).outputs.loss.data[0], interpret(g2, feeds).outputs.loss.data[0]);
  });

  it('refuses binary cross-entropy on more than one output unit, in one line at the loss', () => {
    try {
      lowerModel(spec([dense({ units: 3, activation: 'sigmoid' })], 'binaryCrossentropy'), 'train');
      assert.fail('lowered');
    } catch (e) {
      assert.ok(e instanceof LowerError);
      assert.deepEqual(e.path, ['loss']);
      assert.match(e.message, /^loss binaryCrossentropy: needs one output unit, a model output of shape \[N,1\] .* got \[N,3\]$/);
    }
  });
});

describe('loss warnings', () => {
  const source = (last: string, loss: string): string => `import { model, dense, dropout, adam, mnist, categoricalCrossentropy, binaryCrossentropy } from 'nnc';

export default model({
  name: 'w',
  input: [4],
  layers: [
    dense({ units: 8, activation: 'relu' }),
    ${last},
    dropout({ rate: 0.5 }),
  ],
  loss: ${loss},
  optimizer: adam(),
  data: mnist(),
});
`;
  const warnings = (last: string, loss: string): readonly string[] => {
    const r = compileSource(source(last, loss), 'm.ts');
    assert.ok(r.ok, r.ok ? '' : r.diagnostics.join('\n'));
    return r.model.warnings;
  };

  it('names the linear output layer, its file and line, and the two fixes', () => {
    assert.deepEqual(warnings("dense({ units: 3 })", "'categoricalCrossentropy'"), [
      "m.ts:8:5: warning: layer 'dense_2' outputs raw scores (a linear activation), but categoricalCrossentropy expects probabilities: "
      + "use categoricalCrossentropy({ fromLogits: true }) or end with activation 'softmax'",
    ]);
    const binary = warnings("dense({ units: 1, activation: 'tanh' })", "'binaryCrossentropy'");
    assert.equal(binary.length, 1);
    assert.match(binary[0], /^m\.ts:8:5: warning: layer 'dense_2' ends in activation 'tanh', but binaryCrossentropy .* end with activation 'sigmoid'$/);
  });

  it('warns of fromLogits after a softmax, and says nothing of a model that fits its loss', () => {
    assert.match(warnings("dense({ units: 3, activation: 'softmax' })", 'categoricalCrossentropy({ fromLogits: true })')[0], /applies softmax, but the loss has fromLogits: true/);
    assert.deepEqual(warnings("dense({ units: 3, activation: 'softmax' })", "'categoricalCrossentropy'"), []);
    assert.deepEqual(warnings("dense({ units: 3 })", 'categoricalCrossentropy({ fromLogits: true })'), []);
    assert.deepEqual(warnings("dense({ units: 1, activation: 'sigmoid' })", 'binaryCrossentropy()'), []);
    assert.deepEqual(warnings("dense({ units: 3 })", "'meanSquaredError'"), []);
  });

  it('without a source file, names the layer and the spec', () => {
    const s = spec([dense({ units: 4 }), relu(), dropout({ rate: 0.1 })], 'sparseCategoricalCrossentropy');
    assert.deepEqual(compileSpec(s, 'spec.json').warnings, [
      "spec.json: warning: layer 'relu_1' is a relu layer, but sparseCategoricalCrossentropy expects probabilities: "
      + "use sparseCategoricalCrossentropy({ fromLogits: true }) or end with activation 'softmax'",
    ]);
  });
});
