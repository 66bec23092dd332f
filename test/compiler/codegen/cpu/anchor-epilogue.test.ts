// Fusion gives an anchor (contraction/window) kernel an epilogue only when its op takes one
// (OpDef.takesEpilogue), and the CPU emitters take every epilogue fusion gives them. For each
// anchor op, a graph where the op's output feeds one elementwise add (the case where fusion
// would otherwise make that add its epilogue): an op that takes no epilogue keeps the add a
// loop of its own, with the refusal's reason; every program builds and equals the float64
// interpreter value by value. Then the regression that found this: a conv2d with a kernel
// regularizer, whose dW gets the regularizer's term added (conv2dBackpropFilter threw
// "takes no epilogue" on the default CPU backend).

import { strict as assert } from 'node:assert';
import { buildCpuProgram } from '../../../../compiler/codegen/cpu/program';
import { loadAssembler } from '../../../../compiler/codegen/cpu/wat/module';
import { conv2d, dense, flatten, l1, l1l2, l2, type LayerSpec } from '../../../../compiler/dsl/index';
import { GraphBuilder } from '../../../../compiler/ir/builder';
import { tensor, type Tensor } from '../../../../compiler/ir/tensor';
import type { Attrs, Graph, Node } from '../../../../compiler/ir/types';
import { allOps, getOp } from '../../../../compiler/ops/index';
import { fuse, type Fusion } from '../../../../compiler/passes/fuse';
import { simplify } from '../../../../compiler/passes/simplify';
import { compileSpec } from '../../../../compiler/pipeline';
import { Rng } from '../../../../format/rng';
import { seededSpec } from '../../../support/models';
import { checkEveryValue, float32Feeds } from './every-value';

interface Fixture { readonly inputs: readonly (readonly number[])[]; readonly attrs: Attrs }

const window = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' };
const conv = { strides: [1, 1], padding: 'valid' };

/** One call of every contraction/window op: input shapes and attributes. */
const FIXTURES: Readonly<Record<string, Fixture>> = {
  matmul: { inputs: [[3, 4], [4, 5]], attrs: { transposeA: false, transposeB: false } },
  conv2d: { inputs: [[2, 5, 5, 2], [3, 3, 2, 4]], attrs: conv },
  conv2dBackpropInput: { inputs: [[2, 3, 3, 4], [3, 3, 2, 4]], attrs: { ...conv, inputShape: [2, 5, 5, 2] } },
  conv2dBackpropFilter: { inputs: [[2, 5, 5, 2], [2, 3, 3, 4]], attrs: { ...conv, filterShape: [3, 3, 2, 4] } },
  maxPool2d: { inputs: [[2, 4, 4, 3]], attrs: window },
  avgPool2d: { inputs: [[2, 4, 4, 3]], attrs: window },
  maxPool2dGrad: { inputs: [[2, 4, 4, 3], [2, 2, 2, 3]], attrs: window },
  avgPool2dGrad: { inputs: [[2, 2, 2, 3]], attrs: { ...window, inputShape: [2, 4, 4, 3] } },
};

const anchorOps = (): string[] => allOps().filter((op) => op.kind === 'contraction' || op.kind === 'window').map((op) => op.name);

/** y = op(in0, in1, ...) + e, and random float32 feeds (no ties: max pooling picks one maximum). */
function anchorThenAdd(op: string): { graph: Graph; feeds: Record<string, Tensor>; anchor: number; add: number } {
  const fixture = FIXTURES[op];
  const b = new GraphBuilder();
  const rng = new Rng(op.length);
  const feeds: Record<string, Tensor> = {};
  const feed = (name: string, shape: readonly number[]): number => {
    feeds[name] = tensor(shape, Array.from({ length: shape.reduce((a, c) => a * c, 1) }, () => Math.fround(rng.next() * 2 - 1)));
    return b.input(name, { shape: [...shape], dtype: 'f32' });
  };
  const anchor = b.emit(op, fixture.inputs.map((shape, i) => feed(`in${i}`, shape)), fixture.attrs);
  const add = b.emit('add', [anchor, feed('e', b.type(anchor).shape as number[])]);
  b.output('y', add);
  return { graph: b.build(), feeds, anchor, add };
}

const kernelOf = (f: Fusion, id: number): number => f.kernels.findIndex((k) => k.nodes.includes(id));
const opOf = (f: Fusion, id: number): string => (f.graph.nodes.find((n) => n.id === id) as Node).op;

describe('codegen/cpu: anchors get an epilogue only when their op takes one', function () {
  this.timeout(120_000);
  before(() => loadAssembler());

  it('has a fixture for every contraction/window op, and at least one op that takes no epilogue', () => {
    assert.deepEqual(anchorOps().sort(), Object.keys(FIXTURES).sort());
    assert.ok(anchorOps().some((op) => getOp(op).takesEpilogue === false));
  });

  for (const op of Object.keys(FIXTURES)) {
    it(`${op}: ${getOp(op).takesEpilogue === false ? 'the add stays a loop of its own' : 'the add is its epilogue'}; the program equals the interpreter`, () => {
      const { graph, feeds, anchor, add } = anchorThenAdd(op);
      const f = fuse(graph);
      const k = f.kernels[kernelOf(f, anchor)];
      assert.equal(k.kind, 'anchor');
      if (getOp(op).takesEpilogue === false) {
        assert.deepEqual(k.nodes, [anchor], `${op} was given an epilogue`);
        assert.equal(f.kernels[kernelOf(f, add)].kind, 'loop');
        const refusal = f.refusals.find((r) => r.node === anchor && r.consumer === add);
        assert.ok(refusal, `no refusal recorded: ${JSON.stringify(f.refusals)}`);
        // The takesEpilogue check comes last in the fuser: every other condition held.
        assert.equal(refusal.reason, `${op} takes no epilogue: the loop over its output runs as a kernel of its own`);
      } else {
        assert.deepEqual(k.nodes, [anchor, add], `${op} did not take the add as its epilogue`);
      }
      const program = buildCpuProgram(f, 2, 1);
      assert.ok(!program.steps.some((s) => s.kind === 'js' && s.node === anchor), `${op} fell back to a JS step`);
      assert.deepEqual(checkEveryValue(graph, feeds, 2, 1), []);
    });
  }
});

describe('codegen/cpu: a conv2d with a kernel regularizer (dW + the penalty\'s gradient)', function () {
  this.timeout(120_000);
  before(() => loadAssembler());

  const cases: readonly (readonly [string, LayerSpec])[] = [
    ['l2(1e-4)', conv2d({ filters: 8, kernelSize: 3, kernelRegularizer: l2(1e-4) })],
    ['l1(1e-4)', conv2d({ filters: 8, kernelSize: 3, kernelRegularizer: l1(1e-4) })],
    ['l1(0.1), same padding, stride 2', conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', kernelRegularizer: l1(0.1) })],
    ['l1l2(0.05, 0.2) with a regularized bias', conv2d({ filters: 3, kernelSize: 2, kernelRegularizer: l1l2({ l1: 0.05, l2: 0.2 }), biasRegularizer: l2(0.3) })],
  ];
  for (const [name, layer] of cases) {
    it(`${name}: builds, dW's kernel has no epilogue, every value equals the interpreter`, () => {
      const model = compileSpec(seededSpec([6, 6, 2], [layer, flatten(), dense({ units: 3, activation: 'softmax' })]));
      const graph = simplify(model.training);
      const f = fuse(graph);
      const filterKernels = f.kernels.filter((k) => k.kind === 'anchor' && opOf(f, k.anchor as number) === 'conv2dBackpropFilter');
      assert.equal(filterKernels.length, 1);
      assert.deepEqual(filterKernels[0].nodes, [filterKernels[0].anchor]);
      const dW = graph.outputs['grad:conv2d_1.kernel'];
      assert.ok(dW !== undefined, `no kernel gradient among ${Object.keys(graph.outputs).join(', ')}`);
      assert.notEqual(opOf(f, dW), 'conv2dBackpropFilter', 'the regularizer\'s term is added to dW');
      for (const threads of [1, 2]) buildCpuProgram(f, 2, threads, model.spec.optimizer);
      assert.deepEqual(checkEveryValue(graph, float32Feeds(model, 2, 3), 2, 7), []);
    });
  }
});
