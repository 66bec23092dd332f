import { strict as assert } from 'node:assert';
import {
  model, conv2d, dense, prelu, maxPool2d, dropout, flatten, constant, adam, mnist, l2,
  type LayerSpec, type ModelSpec,
} from '../../../compiler/dsl/index';
import { lowerModel, LowerError } from '../../../compiler/lower/lower';
import { checkGraph } from '../../../compiler/ir/check';
import { interpret } from '../../../compiler/ir/interpret';
import { nodesOf } from '../../../compiler/ir/graph';
import { tensor, type Tensor } from '../../../compiler/ir/tensor';
import type { Graph } from '../../../compiler/ir/types';
import { compiledModel } from './seed-models';

function spec(input: readonly number[], layers: readonly LayerSpec[], extra: Partial<ModelSpec> = {}): ModelSpec {
  return { ...model({ name: 'test', input, layers, loss: 'categoricalCrossentropy', optimizer: adam(), data: mnist() }), ...extra };
}

function lowerError(s: ModelSpec): LowerError {
  try {
    lowerModel(s, 'train');
  } catch (e) {
    assert.ok(e instanceof LowerError, `expected a LowerError, got ${String(e)}`);
    return e;
  }
  return assert.fail('lowered without an error');
}

function paramShape(g: Graph, name: string): readonly (number | 'N')[] {
  const p = g.nodes.find((n) => n.op === 'param' && n.attrs.name === name);
  assert.ok(p, `no param ${name} (params: ${nodesOf(g, 'param').map((n) => String(n.attrs.name)).join(', ')})`);
  return p.type.shape;
}

describe('lowering', () => {
  describe('the seed models', () => {
    it('have Keras\' parameter counts: 460,874 (PReLU), 460,874 (PReLU, alpha 0), 431,242 (ReLU)', () => {
      assert.equal(compiledModel('mnist-prelu').paramCount, 460_874);
      assert.equal(compiledModel('mnist-prelu-zeros').paramCount, 460_874);
      assert.equal(compiledModel('mnist-relu').paramCount, 431_242);
    });

    it('count each layer\'s params as the Keras summary does', () => {
      const layers = compiledModel('mnist-prelu').layers;
      assert.deepEqual(layers.map((l) => [l.name, l.className, l.params]), [
        ['conv2d_1', 'Conv2D', 320], ['prelu_1', 'PReLU', 21_632], ['max_pooling2d_1', 'MaxPooling2D', 0], ['dropout_1', 'Dropout', 0],
        ['conv2d_2', 'Conv2D', 18_496], ['prelu_2', 'PReLU', 7_744], ['max_pooling2d_2', 'MaxPooling2D', 0], ['dropout_2', 'Dropout', 0],
        ['flatten_1', 'Flatten', 0], ['dense_1', 'Dense', 409_856], ['prelu_3', 'PReLU', 256], ['dense_2', 'Dense', 2_570],
      ]);
      assert.deepEqual(layers.map((l) => l.outputShape), [
        ['N', 26, 26, 32], ['N', 26, 26, 32], ['N', 13, 13, 32], ['N', 13, 13, 32],
        ['N', 11, 11, 64], ['N', 11, 11, 64], ['N', 5, 5, 64], ['N', 5, 5, 64],
        ['N', 1600], ['N', 256], ['N', 256], ['N', 10],
      ]);
    });

    it('give alpha the input shape without the batch axis, initialised as written', () => {
      const g = compiledModel('mnist-prelu').forward;
      assert.deepEqual(paramShape(g, 'prelu_1.alpha'), [26, 26, 32]);
      assert.deepEqual(paramShape(g, 'prelu_3.alpha'), [256]);
      const alpha = g.nodes.find((n) => n.attrs.name === 'prelu_1.alpha');
      assert.deepEqual(alpha?.attrs.init, { kind: 'constant', value: 0.25 });
      const zeros = compiledModel('mnist-prelu-zeros').forward.nodes.find((n) => n.attrs.name === 'prelu_1.alpha');
      assert.deepEqual(zeros?.attrs.init, { kind: 'zeros' });
    });

    it('draw dropout masks only in training mode, and both graphs are well typed', () => {
      const m = compiledModel('mnist-prelu');
      assert.equal(nodesOf(m.forward, 'dropoutMask').length, 0);
      const masks = nodesOf(m.training, 'dropoutMask');
      assert.deepEqual(masks.map((n) => [n.attrs.rate, n.type.shape]), [[0.25, ['N', 13, 13, 32]], [0.25, ['N', 5, 5, 64]]]);
      checkGraph(m.forward);
      checkGraph(m.training);
    });

    it('compute the loss from the logits (softmax + cross-entropy lower to softmaxCrossEntropy)', () => {
      const g = compiledModel('mnist-prelu').forward;
      const probs = g.nodes.find((n) => n.id === g.outputs.probs);
      assert.equal(probs?.op, 'softmax');
      const ce = nodesOf(g, 'softmaxCrossEntropy');
      assert.equal(ce.length, 1);
      assert.equal(ce[0].inputs[0], probs?.inputs[0], 'the loss reads the logits, not the probabilities');
      assert.deepEqual(g.nodes.find((n) => n.id === g.outputs.loss)?.type, { shape: [], dtype: 'f32' });
    });
  });

  describe('PReLU shared axes', () => {
    const onConv = (sharedAxes: number[]): ModelSpec =>
      spec([8, 8, 3], [conv2d({ filters: 5, kernelSize: 3 }), prelu({ sharedAxes }), flatten(), dense({ units: 2, activation: 'softmax' })]);

    it('sharedAxes [1, 2] on a conv output is channel-wise: alpha [1, 1, C]', () => {
      const m = lowerModel(onConv([1, 2]), 'infer');
      assert.deepEqual(paramShape(m.graph, 'prelu_1.alpha'), [1, 1, 5]);
      assert.equal(m.layers[1].params, 5);
    });

    it('every axis shared is one alpha; no axis shared is one per element', () => {
      assert.deepEqual(paramShape(lowerModel(onConv([1, 2, 3]), 'infer').graph, 'prelu_1.alpha'), [1, 1, 1]);
      assert.deepEqual(paramShape(lowerModel(onConv([]), 'infer').graph, 'prelu_1.alpha'), [6, 6, 5]);
      assert.deepEqual(paramShape(lowerModel(onConv([2]), 'infer').graph, 'prelu_1.alpha'), [6, 1, 5]);
    });

    it('a shared axis beyond the input\'s rank is a LowerError on that layer', () => {
      const s = spec([4], [prelu({ sharedAxes: [2] }), dense({ units: 2, activation: 'softmax' })]);
      const e = lowerError(s);
      assert.deepEqual(e.path, ['layers', 0]);
      assert.match(e.message, /shared axis 2 is not an axis of its input/);
    });
  });

  describe('model mistakes are LowerErrors pointing into the spec', () => {
    it('a 2x2 pool on a 1x1 input', () => {
      const s = spec([3, 3, 1], [conv2d({ filters: 2, kernelSize: 3 }), maxPool2d({ poolSize: 2 }), flatten(), dense({ units: 2, activation: 'softmax' })]);
      const e = lowerError(s);
      assert.deepEqual(e.path, ['layers', 1]);
      assert.match(e.message, /^layer 2 \(maxPool2d\): /);
    });

    it('duplicate layer names', () => {
      const base = spec([4], [dense({ units: 3, name: 'hidden' }), dense({ units: 2, activation: 'softmax', name: 'out' })]);
      const s: ModelSpec = { ...base, layers: [base.layers[0], { ...base.layers[1], name: 'hidden' } as LayerSpec] };
      const e = lowerError(s);
      assert.deepEqual(e.path, ['layers', 1, 'name']);
      assert.match(e.message, /layer name 'hidden' is already used by layer 1/);
    });

    it('dense after conv without flatten', () => {
      const s = spec([6, 6, 1], [conv2d({ filters: 2, kernelSize: 3 }), dropout({ rate: 0.5 }), dense({ units: 2, activation: 'softmax' })]);
      const e = lowerError(s);
      assert.deepEqual(e.path, ['layers', 2]);
      assert.match(e.message, /dense needs a flat input \[N,features\], got \[N,4,4,2\]: add flatten\(\) before it/);
    });

    it('a loss that needs class scores after a non-flat output', () => {
      const s = spec([6, 6, 1], [conv2d({ filters: 2, kernelSize: 3, activation: 'softmax' })]);
      const e = lowerError(s);
      assert.deepEqual(e.path, ['loss']);
    });
  });

  describe('the loss head', () => {
    const feeds = (w: number[]): Record<string, Tensor> => ({
      x: tensor([2, 2], [0.5, -1, 2, 0.25]),
      labels: tensor([2, 2], [1, 0, 0, 1]),
      'dense_1.kernel': tensor([2, 2], w),
      'dense_1.bias': tensor([2], [0.1, -0.2]),
    });

    it('adds l2 * sum(w^2) for a kernel regularizer, as Keras does', () => {
      const plain = lowerModel(spec([2], [dense({ units: 2, activation: 'softmax' })]), 'train').graph;
      const reg = lowerModel(spec([2], [dense({ units: 2, activation: 'softmax', kernelRegularizer: l2(0.01) })]), 'train').graph;
      const w = [0.3, -0.7, 1.1, 0.2];
      const a = interpret(plain, feeds(w)).outputs.loss.data[0];
      const b = interpret(reg, feeds(w)).outputs.loss.data[0];
      const expected = 0.01 * w.reduce((s, v) => s + v * v, 0);
      assert.ok(Math.abs(b - a - expected) < 1e-12, `loss grew by ${b - a}, expected ${expected}`);
    });

    it('the mean cross-entropy equals the textbook formula', () => {
      const g = lowerModel(spec([2], [dense({ units: 2, activation: 'softmax', biasInitializer: constant(0) })]), 'infer').graph;
      const w = [0.3, -0.7, 1.1, 0.2];
      const f = feeds(w);
      const out = interpret(g, f).outputs;
      const x = f.x.data, bias = [0.1, -0.2];
      let total = 0;
      for (let i = 0; i < 2; i++) {
        const z = [0, 1].map((j) => x[2 * i] * w[j] + x[2 * i + 1] * w[2 + j] + bias[j]);
        const lse = Math.log(Math.exp(z[0]) + Math.exp(z[1]));
        total += -(z[i] - lse);
        assert.ok(Math.abs(out.probs.data[2 * i + i] - Math.exp(z[i] - lse)) < 1e-12);
      }
      assert.ok(Math.abs(out.loss.data[0] - total / 2) < 1e-12, `loss ${out.loss.data[0]} vs ${total / 2}`);
    });
  });
});
