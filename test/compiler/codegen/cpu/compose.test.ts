// compose: the scalar expressions composeKernel builds for a fused kernel (a loop, or an
// anchor's epilogue), evaluated element by element with evalScalar in float64 (no wasm),
// equal the reference interpreter's values of the kernel's member nodes; its reductions sum
// to the interpreter's sumTo values; inlineLets gives the same values without lets.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { grad } from '../../../../compiler/autodiff/grad';
import { composeKernel, inlineLets, type ComposedKernel } from '../../../../compiler/codegen/cpu/compose';
import { interpret } from '../../../../compiler/ir/interpret';
import { evalScalar } from '../../../../compiler/ir/scalar';
import { broadcastIndex, type Tensor } from '../../../../compiler/ir/tensor';
import type { Graph, Node } from '../../../../compiler/ir/types';
import { fuse, type FusedKernel } from '../../../../compiler/passes/fuse';
import { simplify } from '../../../../compiler/passes/simplify';
import { convBlockArb, denseBlockArb, KINKED_POINTWISE, pointwiseGraphArb, SMOOTH_POINTWISE, type GraphCase } from '../../../../testing/arbitraries/graph';
import { modelFeeds } from '../../../../testing/check-model';
import { compiledModel } from '../../lower/seed-models';
import { arbSmallModelSpec, compileSmallModel } from '../../../support/models';

/** float64 against float64: only the order of operations may differ. */
const close = (got: number, want: number, scale: number): boolean =>
  (Number.isNaN(got) && Number.isNaN(want)) || Math.abs(got - want) <= 1e-9 * (scale + Math.abs(want));

interface Evaluated {
  /** Per element of the iteration space: the arguments, then each let's value. */
  readonly args: Float64Array[];
  /** Each reduction's sums and the sums of |term| (its rounding scale). */
  readonly sums: { readonly values: Float64Array; readonly magnitude: Float64Array }[];
}

/** Evaluates a composed kernel over `space` from the interpreter's values of its operands. */
function evaluateComposed(c: ComposedKernel, first: number, anchor: Tensor | null, space: readonly number[], values: ReadonlyMap<number, Tensor>): Evaluated {
  const size = space.reduce((a, b) => a * b, 1);
  const operands = c.operands.map((id) => values.get(id) as Tensor);
  const index = operands.map((t) => broadcastIndex(t.shape, space));
  const sums = c.reductions.map((r) => {
    const n = (values.get(r.id) as Tensor).data.length;
    return { values: new Float64Array(n), magnitude: new Float64Array(n), index: broadcastIndex((values.get(r.id) as Tensor).shape, space), arg: r.arg };
  });
  const base = first + operands.length;
  const args: Float64Array[] = [];
  for (let e = 0; e < size; e++) {
    const a = new Float64Array(base + c.lets.length);
    if (anchor) a[0] = anchor.data[e];
    operands.forEach((t, j) => { a[first + j] = t.data[index[j][e]]; });
    const view = Array.from(a);
    c.lets.forEach((expr, j) => { view[base + j] = a[base + j] = evalScalar(expr, view); });
    for (const s of sums) { s.values[s.index[e]] += a[s.arg]; s.magnitude[s.index[e]] += Math.abs(a[s.arg]); }
    args.push(a);
  }
  return { args, sums };
}

/** Mismatches between one kernel's composed expressions and the interpreter. */
function checkKernel(graph: Graph, k: FusedKernel, values: ReadonlyMap<number, Tensor>): string[] {
  const first = k.anchor === null ? 0 : 1;
  const c = composeKernel(graph, k, first);
  const anchor = k.anchor === null ? null : (values.get(k.anchor) as Tensor);
  const member = values.get(c.letOf[0] ?? c.reductions[0]?.id) as Tensor;
  const space = anchor ? anchor.shape : c.letOf.length > 0 ? member.shape : spaceOfReduction(graph, c, values);
  const covered = [...c.letOf, ...c.reductions.map((r) => r.id), ...(k.anchor === null ? [] : [k.anchor])].sort((a, b) => a - b);
  assert.deepEqual(covered, [...k.nodes].sort((a, b) => a - b), 'composeKernel must account for every member once');
  const { args, sums } = evaluateComposed(c, first, anchor, space, values);
  const base = first + c.operands.length;
  const inlined = inlineLets(c, first);
  const problems: string[] = [];
  c.letOf.forEach((id, j) => {
    const want = values.get(id) as Tensor;
    assert.deepEqual(want.shape, [...space], `let %${id} is not over the kernel's space`);
    for (let e = 0; e < args.length; e++) {
      const got = args[e][base + j];
      const flat = evalScalar(inlined[j], Array.from(args[e].subarray(0, base)));
      if (!close(got, want.data[e], 1) || !close(flat, want.data[e], 1)) {
        problems.push(`%${id} [${e}]: composed ${got}, inlined ${flat}, reference ${want.data[e]}`);
        break;
      }
    }
  });
  c.reductions.forEach((r, j) => {
    assert.ok(r.arg >= 0, `reduction %${r.id} sums no argument`);
    const want = values.get(r.id) as Tensor;
    const i = want.data.findIndex((w, n) => !close(sums[j].values[n], w, sums[j].magnitude[n]));
    if (i >= 0) problems.push(`sumTo %${r.id} [${i}]: composed ${sums[j].values[i]}, reference ${want.data[i]}`);
  });
  return problems;
}

/** A loop made only of reductions iterates over its reduced input's shape. */
function spaceOfReduction(graph: Graph, c: ComposedKernel, values: ReadonlyMap<number, Tensor>): readonly number[] {
  const node = graph.nodes.find((n) => n.id === c.reductions[0].id) as Node;
  return (values.get(node.inputs[0]) as Tensor).shape;
}

/** Checks every loop kernel and every anchor with an epilogue of `graph` (simplified first). */
function checkGraph(graph: Graph, feeds: Readonly<Record<string, Tensor>>, seed = 0): { kernels: number; problems: string[] } {
  const g = simplify(graph);
  const { values } = interpret(g, feeds, { seed });
  const fused = fuse(g).kernels.filter((k) => k.kind === 'loop' || (k.kind === 'anchor' && k.nodes.length > 1));
  return { kernels: fused.length, problems: fused.flatMap((k) => checkKernel(g, k, values)) };
}

function trainingCase(c: GraphCase): Graph {
  return grad(c.graph, c.graph.outputs.loss);
}

describe('codegen/cpu compose: composed scalar expressions equal the interpreter', function () {
  this.timeout(60_000);

  it('on the seed model\'s training graph (PReLU-aware backward loops, epilogues, the loss head)', () => {
    const model = compiledModel('mnist-prelu');
    const { kernels, problems } = checkGraph(model.training, modelFeeds(model, 2, 3, 0.01), 11);
    assert.deepEqual(problems, []);
    assert.ok(kernels >= 8, `only ${kernels} fused kernels checked`);
  });

  it('on random pointwise DAGs and their gradients', () => {
    const arb = pointwiseGraphArb({ ops: [...SMOOTH_POINTWISE, ...KINKED_POINTWISE], shape: [2, 3], maxNodes: 8, maxBatch: 3 });
    fc.assert(fc.property(arb, (c) => {
      assert.deepEqual(checkGraph(trainingCase(c), c.feeds).problems, []);
    }), { numRuns: 60 });
  });

  it('on conv and dense blocks (bias, ReLU/PReLU, pooling) and their gradients', () => {
    fc.assert(fc.property(fc.oneof(convBlockArb(), denseBlockArb()), (c) => {
      assert.deepEqual(checkGraph(trainingCase(c), c.feeds).problems, []);
    }), { numRuns: 40 });
  });

  it('on generated models, training and inference', () => {
    fc.assert(fc.property(arbSmallModelSpec({ maxBatch: 3 }), fc.nat({ max: 1000 }), (spec, seed) => {
      const model = compileSmallModel(spec);
      fc.pre(model !== null);
      if (model === null) return;
      const feeds = modelFeeds(model, spec.fit.batchSize, seed, 0.01);
      assert.deepEqual(checkGraph(model.training, feeds, seed).problems, [], 'training graph');
      assert.deepEqual(checkGraph(model.forward, feeds, seed).problems, [], 'inference graph');
    }), { numRuns: 25 });
  });
});
