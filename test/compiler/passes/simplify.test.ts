import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { simplify } from '../../../compiler/passes/simplify';
import { GraphBuilder } from '../../../compiler/ir/builder';
import { checkGraph } from '../../../compiler/ir/check';
import { nodesOf } from '../../../compiler/ir/graph';
import { interpret } from '../../../compiler/ir/interpret';
import type { Tensor } from '../../../compiler/ir/tensor';
import { tensor } from '../../../compiler/ir/tensor';
import type { Graph } from '../../../compiler/ir/types';
import { arbRandomGraph } from '../ir/random-graph';
import { compiledModel } from '../lower/seed-models';
import { modelFeeds } from '../../../testing/check-model';

const scalar = (b: GraphBuilder, value: number): number => b.emit('constant', [], { value, shape: [] });

function maxDifference(a: Tensor, b: Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  let worst = 0;
  a.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - b.data[i]) / Math.max(1, Math.abs(v))); });
  return worst;
}

function assertSameOutputs(a: Graph, b: Graph, feeds: Record<string, Tensor>, seed: number): void {
  const x = interpret(a, feeds, { seed }).outputs;
  const y = interpret(b, feeds, { seed }).outputs;
  assert.deepEqual(Object.keys(y), Object.keys(x));
  for (const name of Object.keys(x)) {
    const both = [...x[name].data, ...y[name].data];
    if (both.some((v) => !Number.isFinite(v))) {
      assert.deepEqual([...y[name].data], [...x[name].data], name);
    } else {
      assert.ok(maxDifference(x[name], y[name]) <= 1e-12, `${name} differs after simplify`);
    }
  }
}

describe('simplify', () => {
  it('merges equal constants and the equal nodes that read them (CSE)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', { shape: ['N', 3], dtype: 'f32' });
    const one = scalar(b, 1);
    const otherOne = scalar(b, 1);
    const two = scalar(b, 2);
    const s1 = b.emit('add', [x, one]);
    const s2 = b.emit('add', [x, otherOne]);
    b.output('y', b.emit('mul', [b.emit('mul', [s1, s2]), two]));
    const g = simplify(b.build());
    assert.deepEqual(nodesOf(g, 'constant').map((n) => n.attrs.value), [1, 2]);
    assert.equal(nodesOf(g, 'add').length, 1);
    const mul = nodesOf(g, 'mul')[0];
    assert.deepEqual(mul.inputs, [s1, s1], 'both factors read the surviving add');
    checkGraph(g);
  });

  it('never merges two dropout masks, even with equal attributes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', { shape: ['N', 4], dtype: 'f32' });
    const m1 = b.emit('dropoutMask', [], { rate: 0.5, shape: ['N', 4] });
    const m2 = b.emit('dropoutMask', [], { rate: 0.5, shape: ['N', 4] });
    b.output('a', b.emit('mul', [x, m1]));
    b.output('b', b.emit('mul', [x, m2]));
    const g = simplify(b.build());
    assert.equal(nodesOf(g, 'dropoutMask').length, 2);
    assert.equal(nodesOf(g, 'mul').length, 2);
    assert.notEqual(g.outputs.a, g.outputs.b);
  });

  it('folds elementwise ops on scalar constants, through chains', () => {
    const b = new GraphBuilder();
    const x = b.input('x', { shape: [2], dtype: 'f32' });
    const six = b.emit('mul', [scalar(b, 2), scalar(b, 3)]);
    const seven = b.emit('add', [six, scalar(b, 1)]);
    const e = b.emit('exp', [b.emit('neg', [scalar(b, 0)])]);
    b.output('y', b.emit('mul', [b.emit('mul', [x, seven]), e]));
    const g = simplify(b.build());
    assert.deepEqual(nodesOf(g, 'constant').map((n) => n.attrs.value).sort(), [1, 7], 'exp(-0) folds to 1 and merges with the other 1');
    assert.ok(g.nodes.some((n) => n.id === seven && n.op === 'constant'), 'the folded node keeps its id');
    assert.deepEqual(g.nodes.filter((n) => n.op !== 'constant' && n.op !== 'input').map((n) => n.op), ['mul', 'mul']);
    assert.deepEqual([...interpret(g, { x: tensor([2], [1, -2]) }).outputs.y.data], [7, -14]);
  });

  it('does not fold non-scalar constants', () => {
    const b = new GraphBuilder();
    const v = b.emit('add', [b.emit('constant', [], { value: 1, shape: [3] }), scalar(b, 1)]);
    b.output('y', v);
    const g = simplify(b.build());
    assert.deepEqual(nodesOf(g, 'add').map((n) => n.id), [v]);
  });

  it('drops dead code and redirects outputs to the surviving twin', () => {
    const b = new GraphBuilder();
    const x = b.input('x', { shape: [2], dtype: 'f32' });
    const dead = b.emit('exp', [x]);
    b.emit('neg', [dead]);
    const r1 = b.emit('relu', [x]);
    const r2 = b.emit('relu', [x]);
    b.output('first', r1);
    b.output('second', r2);
    const g = simplify(b.build());
    assert.deepEqual(g.nodes.map((n) => n.op), ['input', 'relu']);
    assert.deepEqual(g.outputs, { first: r1, second: r1 });
  });

  it('keeps the meaning of random graphs, and is idempotent', () => {
    fc.assert(fc.property(arbRandomGraph, ({ graph, feeds }) => {
      const g = simplify(graph);
      checkGraph(g);
      assertSameOutputs(graph, g, feeds, 0);
      assert.deepStrictEqual(simplify(g), g);
    }), { numRuns: 60 });
  });

  it('the simplified seed training graph gives the same loss and gradients (batch 2)', function () {
    this.timeout(120_000);
    const m = compiledModel('mnist-prelu');
    const g = simplify(m.training);
    checkGraph(g);
    assert.ok(g.nodes.length < m.training.nodes.length, 'simplify found nothing to merge in the training graph');
    assert.equal(nodesOf(g, 'dropoutMask').length, 2);
    assertSameOutputs(m.training, g, modelFeeds(m, 2, 5), 11);
  });
});
