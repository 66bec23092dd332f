import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { checkGraph } from '../../../compiler/ir/check';
import { interpret } from '../../../compiler/ir/interpret';
import { KINKED_POINTWISE, SMOOTH_POINTWISE, convBlockArb, denseBlockArb, pointwiseGraphArb } from '../../../testing/arbitraries/graph';
import { checkGraphGradients, formatGradCheckReport } from '../../../testing/gradcheck';

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
