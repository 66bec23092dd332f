import { strict as assert } from 'node:assert';
import { grad, GradientError } from '../../../compiler/autodiff/grad';
import { GraphBuilder } from '../../../compiler/ir/builder';
import { checkGraph } from '../../../compiler/ir/check';
import { interpret } from '../../../compiler/ir/interpret';
import { tensor } from '../../../compiler/ir/tensor';
import type { Graph } from '../../../compiler/ir/types';

function gradientError(run: () => unknown): GradientError {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof GradientError, `expected a GradientError, got ${String(e)}`);
    return e;
  }
  return assert.fail('no GradientError');
}

/** logits = x @ w; loss = mean sparse softmax cross-entropy against integer labels. */
function sparseClassifier(): { graph: Graph; labels: number; x: number; w: number } {
  const b = new GraphBuilder();
  const x = b.input('x', { shape: ['N', 3], dtype: 'f32' });
  const labels = b.input('labels', { shape: ['N'], dtype: 'i32' });
  const w = b.param('w', { shape: [3, 4], dtype: 'f32' }, { init: { kind: 'zeros' } });
  const logits = b.emit('matmul', [x, w], { transposeA: false, transposeB: false });
  const perExample = b.emit('sparseSoftmaxCrossEntropy', [logits, labels]);
  b.output('loss', b.emit('reduceMean', [perExample], { axes: [0], keepDims: false }));
  return { graph: b.build(), labels, x, w };
}

describe('grad', () => {
  describe('refuses gradients that do not exist, naming the node', () => {
    it('with respect to an integer label input', () => {
      const { graph, labels } = sparseClassifier();
      const e = gradientError(() => grad(graph, graph.outputs.loss, [labels]));
      assert.equal(e.message, `cannot differentiate with respect to %${labels} (input labels): it is i32`);
    });

    it('through a comparison (greater has no gradient for its inputs)', () => {
      const b = new GraphBuilder();
      const x = b.input('x', { shape: [3], dtype: 'f32' });
      const gt = b.emit('greater', [x, b.emit('constant', [], { value: 0, shape: [] })]);
      const loss = b.emit('reduceSum', [gt], { axes: [0], keepDims: false });
      const e = gradientError(() => grad(b.build(), loss, [x]));
      assert.match(e.message, new RegExp(`^%${gt} = greater\\(\\.\\.\\.\\) is not differentiable with respect to its input 0 \\(%${x}\\)`));
    });

    it('through an op without a gradient rule', () => {
      const b = new GraphBuilder();
      const x = b.input('x', { shape: [1, 4, 4, 1], dtype: 'f32' });
      const dy = b.input('dy', { shape: [1, 2, 2, 1], dtype: 'f32' });
      const g = b.emit('maxPool2dGrad', [x, dy], { poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
      const loss = b.emit('reduceSum', [g], { keepDims: false });
      const e = gradientError(() => grad(b.build(), loss, [dy]));
      assert.match(e.message, new RegExp(`^%${g} = maxPool2dGrad\\(\\.\\.\\.\\) has no gradient rule`));
    });

    it('of a non-scalar loss, or a loss not in the graph', () => {
      const { graph, x } = sparseClassifier();
      assert.match(gradientError(() => grad(graph, 3)).message, /must be a scalar, is f32\[N,4\]/);
      assert.match(gradientError(() => grad(graph, 99)).message, /loss %99 is not in the graph/);
      assert.match(gradientError(() => grad(graph, graph.outputs.loss, [77])).message, /%77: not in the graph/);
      assert.doesNotThrow(() => grad(graph, graph.outputs.loss, [x]));
    });
  });

  describe('outputs', () => {
    it('keeps the forward outputs and adds grad:<param> for every param by default', () => {
      const { graph } = sparseClassifier();
      const g = grad(graph, graph.outputs.loss);
      assert.deepEqual(Object.keys(g.outputs), ['loss', 'grad:w']);
      assert.equal(g.outputs.loss, graph.outputs.loss);
      assert.deepEqual(g.nodes.slice(0, graph.nodes.length), graph.nodes, 'the forward nodes are kept unchanged');
      checkGraph(g);
    });

    it('names gradients of other values grad:%<id>, and gives unused params a zero gradient', () => {
      const b = new GraphBuilder();
      const x = b.input('x', { shape: [2], dtype: 'f32' });
      const unused = b.param('unused', { shape: [3], dtype: 'f32' }, {});
      const loss = b.emit('reduceSum', [b.emit('mul', [x, x])], { keepDims: false });
      b.output('loss', loss);
      const g = grad(b.build(), loss, [x, unused]);
      assert.deepEqual(Object.keys(g.outputs), ['loss', `grad:%${x}`, 'grad:unused']);
      const out = interpret(g, { x: tensor([2], [3, -0.5]), unused: tensor([3], [1, 2, 3]) }).outputs;
      assert.deepEqual([...out[`grad:%${x}`].data], [6, -1], 'a value used twice sums both adjoints: d(x*x) = 2x');
      assert.deepEqual([...out['grad:unused'].data], [0, 0, 0]);
      assert.deepEqual(out['grad:unused'].shape, [3]);
    });

    it('softmax cross-entropy differentiates to (softmax - onehot) / N for the mean loss', () => {
      const b = new GraphBuilder();
      const z = b.input('z', { shape: ['N', 3], dtype: 'f32' });
      const y = b.input('y', { shape: ['N', 3], dtype: 'f32' });
      const loss = b.emit('reduceMean', [b.emit('softmaxCrossEntropy', [z, y])], { axes: [0], keepDims: false });
      const g = grad(b.build(), loss, [z]);
      const zs = [1, 2, -1, 0.5, 0.5, 3];
      const ys = [0, 1, 0, 1, 0, 0];
      const dz = interpret(g, { z: tensor([2, 3], zs), y: tensor([2, 3], ys) }).outputs[`grad:%${z}`].data;
      for (let i = 0; i < 2; i++) {
        const row = zs.slice(3 * i, 3 * i + 3);
        const sum = row.reduce((s, v) => s + Math.exp(v), 0);
        row.forEach((v, j) => assert.ok(Math.abs(dz[3 * i + j] - (Math.exp(v) / sum - ys[3 * i + j]) / 2) < 1e-12));
      }
    });
  });
});
