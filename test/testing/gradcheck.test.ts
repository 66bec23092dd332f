import { strict as assert } from 'node:assert';
import { GraphBuilder } from '../../compiler/ir/builder';
import { interpret } from '../../compiler/ir/interpret';
import { Rng } from '../../format/rng';
import type { Tensor } from '../../compiler/ir/tensor';
import { tensor } from '../../compiler/ir/tensor';
import type { Graph } from '../../compiler/ir/types';
import { checkGraphGradients, checkOpGradient, formatGradCheckReport, prepareGradCheck, runGradCheck } from '../../testing/gradcheck';

function random(shape: number[], seed: number, scale = 1): Tensor {
  const rng = new Rng(seed);
  return tensor(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale));
}

/** dense -> prelu -> dropout -> dense -> softmax cross-entropy, mean over the batch. */
function smallNetwork(): { graph: Graph; feeds: Record<string, Tensor> } {
  const b = new GraphBuilder();
  const x = b.input('x', { shape: ['N', 4], dtype: 'f32' });
  const labels = b.input('labels', { shape: ['N'], dtype: 'i32' });
  const w1 = b.param('w1', { shape: [4, 5], dtype: 'f32' });
  const alpha = b.param('alpha', { shape: [5], dtype: 'f32' });
  const w2 = b.param('w2', { shape: [5, 3], dtype: 'f32' });
  const h = b.emit('prelu', [b.emit('matmul', [x, w1]), alpha]);
  const dropped = b.emit('mul', [h, b.emit('dropoutMask', [], { rate: 0.3, shape: ['N', 5] })]);
  const logits = b.emit('matmul', [dropped, w2]);
  b.output('loss', b.emit('reduceMean', [b.emit('sparseSoftmaxCrossEntropy', [logits, labels])], { axes: [0] }));
  const feeds = { x: random([6, 4], 1), labels: tensor([6], [0, 1, 2, 2, 1, 0]), w1: random([4, 5], 2), alpha: random([5], 3, 0.3), w2: random([5, 3], 4) };
  return { graph: b.build(), feeds };
}

/** The same problem with one node of the gradient graph swapped for another op. */
function mutateGradient(graph: Graph, forwardSize: number, from: string, to: string): Graph {
  let done = false;
  const nodes = graph.nodes.map((n) => {
    if (done || n.id < forwardSize || n.op !== from) return n;
    done = true;
    return { ...n, op: to };
  });
  assert.ok(done, `no ${from} node in the gradient graph`);
  return { nodes, outputs: graph.outputs };
}

describe('testing/gradcheck', () => {
  it('passes a correct network (matmul, prelu, dropout mask, sparse cross-entropy, mean)', () => {
    const { graph, feeds } = smallNetwork();
    const report = checkGraphGradients(graph, feeds);
    assert.ok(report.passed, formatGradCheckReport(report));
    assert.deepEqual(report.entries.map((e) => e.name), ['w1', 'alpha', 'w2']);
    assert.ok(report.entries.every((e) => e.mode === 'elementwise' && e.checks > 0));
  });

  it("catches a wrong gradient rule: prelu's dalpha with max(x, 0) instead of min(x, 0)", () => {
    const { graph, feeds } = smallNetwork();
    const problem = prepareGradCheck(graph, feeds);
    const forwardSize = problem.objective.nodes.length;
    const wrong = runGradCheck({ ...problem, gradients: mutateGradient(problem.gradients, forwardSize, 'minimum', 'maximum') });
    assert.ok(!wrong.passed, formatGradCheckReport(wrong));
    const byName = Object.fromEntries(wrong.entries.map((e) => [e.name, e.passed]));
    assert.deepEqual(byName, { w1: true, alpha: false, w2: true });
    assert.ok(runGradCheck(problem).passed, 'the unaltered problem must pass');
  });

  it('catches an error of 1% (well above rtol = 1e-3), element by element and along directions', () => {
    for (const size of [8, 400]) {
      const { graph, feeds } = scaledProblem(size);
      const problem = prepareGradCheck(graph, feeds, { wrt: ['x'] });
      const b = GraphBuilder.from(problem.gradients);
      const out = problem.targets[0].output;
      b.output(out, b.emit('mul', [problem.gradients.outputs[out], b.emit('constant', [], { value: 1.01, shape: [] })]));
      const good = runGradCheck(problem);
      const bad = runGradCheck({ ...problem, gradients: b.build() });
      assert.equal(good.entries[0].mode, size > 64 ? 'directional' : 'elementwise');
      assert.ok(good.passed, formatGradCheckReport(good));
      assert.ok(!bad.passed, formatGradCheckReport(bad));
    }
  });

  it('fails when any single element of the gradient is wrong, the last one and one-element params included', () => {
    // w [2, 3], b [1] and s [] (one element each): loss = sum(w^2 * c) + sum(exp(b) * 3) + s^3.
    const b0 = new GraphBuilder();
    const w = b0.param('w', { shape: [2, 3], dtype: 'f32' });
    const bias = b0.param('b', { shape: [1], dtype: 'f32' });
    const s = b0.param('s', { shape: [], dtype: 'f32' });
    const c = b0.input('c', { shape: [2, 3], dtype: 'f32' });
    const three = b0.emit('constant', [], { value: 3, shape: [] });
    const terms = [
      b0.emit('reduceSum', [b0.emit('mul', [b0.emit('square', [w]), c])]),
      b0.emit('reduceSum', [b0.emit('mul', [b0.emit('exp', [bias]), three])]),
      b0.emit('mul', [b0.emit('square', [s]), s]),
    ];
    b0.output('loss', b0.emit('add', [b0.emit('add', [terms[0], terms[1]]), terms[2]]));
    const feeds = { w: random([2, 3], 11), b: random([1], 12), s: tensor([], [0.7]), c: random([2, 3], 13) };
    const problem = prepareGradCheck(b0.build(), feeds);
    assert.ok(runGradCheck(problem).passed, 'the unaltered problem must pass');
    const analytic = interpret(problem.gradients, problem.feeds).outputs;
    let cases = 0;
    for (const target of problem.targets) {
      const x = problem.feeds[target.name];
      for (let k = 0; k < x.data.length; k++) {
        // The analytic gradient plus a one-hot error at element k, well above atol + rtol * |g|.
        const b = GraphBuilder.from(problem.gradients);
        const delta = tensor(x.shape);
        delta.data[k] = 0.01 * (1 + Math.abs(analytic[target.output].data[k]));
        const d = b.input('test:delta', { shape: x.shape, dtype: 'f32' });
        b.output(target.output, b.emit('add', [problem.gradients.outputs[target.output], d]));
        const report = runGradCheck({ ...problem, gradients: b.build(), feeds: { ...problem.feeds, 'test:delta': delta } });
        const entry = report.entries.find((e) => e.name === target.name);
        assert.ok(entry && !report.passed && !entry.passed, `element ${k} of ${target.name} wrong, yet:\n${formatGradCheckReport(report)}`);
        assert.equal(entry.worst.index, k, `${target.name}: the worst element is the wrong one`);
        assert.ok(report.entries.every((e) => e.name === target.name || e.passed), 'only the altered gradient fails');
        cases++;
      }
    }
    assert.equal(cases, 6 + 1 + 1);
  });

  it('checks one op with a non-scalar output through sum(y * R)', () => {
    const report = checkOpGradient('mul', [random([2, 3], 5), random([3], 6)]);
    assert.ok(report.passed, formatGradCheckReport(report));
    assert.deepEqual(report.entries.map((e) => [e.name, e.checks]), [['in0', 6], ['in1', 3]]);
  });

  it('checks a param the loss ignores: its gradient is zero', () => {
    const b = new GraphBuilder();
    const x = b.param('x', { shape: [2], dtype: 'f32' });
    b.param('unused', { shape: [3], dtype: 'f32' });
    b.output('loss', b.emit('reduceSum', [b.emit('square', [x])]));
    const report = checkGraphGradients(b.build(), { x: random([2], 9), unused: random([3], 10) });
    assert.ok(report.passed, formatGradCheckReport(report));
    assert.deepEqual(report.entries.map((e) => [e.name, e.maxAbsError]), [['x', report.entries[0].maxAbsError], ['unused', 0]]);
  });

  it('says which output or input it cannot find', () => {
    const { graph, feeds } = smallNetwork();
    assert.throws(() => checkGraphGradients(graph, feeds, { output: 'probs' }), /gradcheck: name the output to check \(outputs: loss\)/);
    assert.throws(() => checkGraphGradients(graph, feeds, { wrt: ['labels'] }), /gradcheck: no f32 input or param named 'labels'/);
  });
});

/** y = sum(x * x * c) over a tensor of `size` elements. */
function scaledProblem(size: number): { graph: Graph; feeds: Record<string, Tensor> } {
  const b = new GraphBuilder();
  const x = b.input('x', { shape: [size], dtype: 'f32' });
  const c = b.input('c', { shape: [size], dtype: 'f32' });
  b.output('loss', b.emit('reduceSum', [b.emit('mul', [b.emit('square', [x]), c])]));
  return { graph: b.build(), feeds: { x: random([size], 7), c: random([size], 8) } };
}
