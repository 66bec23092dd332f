import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { checkGraph } from '../../../compiler/ir/check';
import { GraphBuilder } from '../../../compiler/ir/builder';
import { interpret } from '../../../compiler/ir/interpret';
import { parseGraph } from '../../../compiler/ir/parser';
import { printGraph } from '../../../compiler/ir/printer';
import type { Graph, Node } from '../../../compiler/ir/types';
import { bindShape } from '../../../compiler/ir/types';
import { arbRandomGraph } from './random-graph';
import { convBlockArb, denseBlockArb, KINKED_POINTWISE, pointwiseGraphArb, SMOOTH_POINTWISE } from '../../../testing/arbitraries/graph';

function smallGraph(): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', { shape: ['N', 4], dtype: 'f32' });
  const w = b.param('w', { shape: [4, 3], dtype: 'f32' }, { init: { kind: 'zeros' } });
  b.output('y', b.emit('relu', [b.emit('matmul', [x, w], { transposeA: false, transposeB: false })]));
  return b.build();
}

function withNode(g: Graph, id: number, change: (n: Node) => Node): Graph {
  return { ...g, nodes: g.nodes.map((n) => (n.id === id ? change(n) : n)) };
}

describe('checkGraph', () => {
  it('accepts a graph built by GraphBuilder', () => {
    assert.doesNotThrow(() => checkGraph(smallGraph()));
  });

  it('catches a wrong declared shape, naming the node and both types', () => {
    const bad = withNode(smallGraph(), 3, (n) => ({ ...n, type: { shape: ['N', 4], dtype: 'f32' } }));
    assert.throws(() => checkGraph(bad), /^Error: %3 = relu: declared f32\[N,4\], the shape rule gives f32\[N,3\]$/);
  });

  it('catches a wrong declared dtype', () => {
    const bad = withNode(smallGraph(), 2, (n) => ({ ...n, type: { shape: n.type.shape, dtype: 'i32' } }));
    assert.throws(() => checkGraph(bad), /%2 = matmul: declared i32\[N,3\], the shape rule gives f32\[N,3\]/);
  });

  it('catches a use before definition, a repeated id, a wrong arity and a dangling output', () => {
    const g = smallGraph();
    assert.throws(() => checkGraph({ ...g, nodes: [g.nodes[1], g.nodes[0], ...g.nodes.slice(2)].reverse() }), /uses %\d before it is defined/);
    assert.throws(() => checkGraph({ ...g, nodes: [...g.nodes, g.nodes[3]] }), /%3 is defined twice/);
    assert.throws(() => checkGraph(withNode(g, 3, (n) => ({ ...n, inputs: [2, 2] }))), /%3 = relu: 2 inputs, the op takes 1/);
    assert.throws(() => checkGraph({ ...g, outputs: { y: 9 } }), /output y refers to missing %9/);
  });

  it('catches bad attributes through the op\'s shape rule', () => {
    const bad = withNode(smallGraph(), 2, (n) => ({ ...n, attrs: { transposeA: 'yes' } }));
    assert.throws(() => checkGraph(bad), /matmul.*transposeA/);
  });
});

describe('shape inference and the reference interpreter', () => {
  it('agree on every node of random graphs (N bound to the fed batch)', () => {
    fc.assert(fc.property(arbRandomGraph, ({ graph, feeds, batch }) => {
      checkGraph(graph);
      const { values } = interpret(graph, feeds);
      for (const n of graph.nodes) {
        const v = values.get(n.id);
        assert.ok(v, `%${n.id} was not computed`);
        assert.deepEqual([...v.shape], bindShape(n.type.shape, batch), `%${n.id} = ${n.op}`);
        assert.equal(v.data.length, v.shape.reduce((a, b) => a * b, 1));
      }
    }), { numRuns: 150 });
  });

  it('agree on the shared graph arbitraries (pointwise DAGs, conv and dense blocks)', () => {
    const cases = fc.oneof(
      pointwiseGraphArb({ ops: [...SMOOTH_POINTWISE, ...KINKED_POINTWISE], shape: [2, 3] }),
      convBlockArb(),
      denseBlockArb(),
    );
    fc.assert(fc.property(cases, ({ graph, feeds }) => {
      checkGraph(graph);
      const batch = feeds.x.shape[0];
      const { values } = interpret(graph, feeds);
      for (const n of graph.nodes) assert.deepEqual([...(values.get(n.id)?.shape ?? [])], bindShape(n.type.shape, batch), `%${n.id} = ${n.op}`);
    }), { numRuns: 60 });
  });

  it('random graphs survive printing and parsing, still well typed', () => {
    fc.assert(fc.property(arbRandomGraph, ({ graph }) => {
      const back = parseGraph(printGraph(graph));
      assert.deepStrictEqual(back, graph);
      checkGraph(back);
    }), { numRuns: 50 });
  });

  it('the random graphs are not trivial: many ops appear across a sample', () => {
    const ops = new Set<string>();
    for (const { graph } of fc.sample(arbRandomGraph, { numRuns: 200, seed: 7 })) for (const n of graph.nodes) ops.add(n.op);
    for (const op of ['conv2d', 'matmul', 'maxPool2d', 'avgPool2d', 'prelu', 'sumTo', 'transpose', 'reshape', 'reduceSum', 'softmax', 'where', 'add']) {
      assert.ok(ops.has(op), `no ${op} in 200 random graphs (saw ${[...ops].join(', ')})`);
    }
  });
});
