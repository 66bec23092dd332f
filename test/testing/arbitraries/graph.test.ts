import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { checkGraph } from '../../../compiler/ir/check';
import type { Graph } from '../../../compiler/ir/types';
import type { Tensor } from '../../../compiler/ir/tensor';
import { interpret } from '../../../compiler/ir/interpret';
import { KINKED_POINTWISE, SMOOTH_POINTWISE, convBlockArb, denseBlockArb, pointwiseGraphArb } from '../../../testing/arbitraries/graph';
import { checkGraphGradients, formatGradCheckReport } from '../../../testing/gradcheck';

const MARGIN = 1e-3;

/** True when no relu/prelu input is within MARGIN of 0 and no max-pool input has two values within MARGIN. */
function awayFromKinks(graph: Graph, feeds: Readonly<Record<string, Tensor>>): boolean {
  const values = interpret(graph, feeds).values;
  return graph.nodes.every((n) => {
    const x = values.get(n.inputs[0]);
    if (!x) return true;
    if (n.op === 'relu' || n.op === 'prelu') return x.data.every((v) => Math.abs(v) > MARGIN);
    if (n.op === 'maxPool2d') {
      const sorted = Float64Array.from(x.data).sort();
      return sorted.every((v, i) => i === 0 || v - sorted[i - 1] > MARGIN);
    }
    return true;
  });
}

describe('testing/arbitraries/graph', () => {
  it('pointwise graphs are well typed, run, and use only the drawn ops', () => {
    const ops = [...SMOOTH_POINTWISE, ...KINKED_POINTWISE];
    fc.assert(fc.property(pointwiseGraphArb({ ops }), ({ graph, feeds }) => {
      checkGraph(graph);
      const out = interpret(graph, feeds).outputs;
      assert.deepEqual(out.y.shape, feeds.x.shape);
      assert.equal(out.loss.data.length, 1);
      const used = graph.nodes.map((n) => n.op).filter((op) => !['input', 'param', 'square', 'reduceMean'].includes(op));
      assert.ok(used.length > 0 && used.every((op) => (ops as readonly string[]).includes(op)), used.join(','));
    }), { numRuns: 50 });
  });

  it('smooth pointwise graphs pass a gradient check in x and p', () => {
    fc.assert(fc.property(pointwiseGraphArb(), ({ graph, feeds }) => {
      const report = checkGraphGradients(graph, feeds, { wrt: ['x', 'p'] });
      assert.ok(report.passed, formatGradCheckReport(report));
    }), { numRuns: 20 });
  });

  it('conv and dense blocks are well typed and their gradients check', () => {
    fc.assert(fc.property(fc.oneof(convBlockArb(), denseBlockArb()), ({ graph, feeds }) => {
      checkGraph(graph);
      // Finite differences are only meaningful away from kinks: skip draws (fast-check
      // favours zeros) that put an activation's input near 0 or tie a pooling window.
      fc.pre(awayFromKinks(graph, feeds));
      const report = checkGraphGradients(graph, feeds);
      assert.ok(report.passed, formatGradCheckReport(report));
      assert.ok(report.entries.some((e) => e.name === 'w'));
    }), { numRuns: 15 });
  });

  it('conv blocks cover pooling, padding modes and every activation', () => {
    const seen = new Set<string>();
    fc.assert(fc.property(convBlockArb(), (c) => { seen.add(`${c.activation}/${c.pool}/${c.padding}`); }), { numRuns: 200 });
    for (const a of ['none', 'relu', 'prelu']) for (const p of [true, false]) assert.ok([...seen].some((s) => s.startsWith(`${a}/${p}/`)), `${a}/${p} never drawn`);
  });
});
