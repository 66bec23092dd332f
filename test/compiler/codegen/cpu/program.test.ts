// The CPU program against the float64 reference interpreter, value by value: every buffer
// the program materialises (each slot) must hold the interpreter's value of the same node,
// forward and backward, so each fused kernel equals its unfused graph. Then the plan: no two
// buffers that are live at the same time share a byte, and params, gradients and the
// graph's outputs sit in pinned space.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { buildCpuProgram, type CpuProgram } from '../../../../compiler/codegen/cpu/program';
import { loadAssembler } from '../../../../compiler/codegen/cpu/wat/module';
import { shapeSize, type Graph, type Node } from '../../../../compiler/ir/types';
import { fuse, type Fusion } from '../../../../compiler/passes/fuse';
import { simplify } from '../../../../compiler/passes/simplify';
import type { CompiledModel } from '../../../../compiler/pipeline';
import { compiledModel } from '../../lower/seed-models';
import { arbSmallModelSpec, compileSmallModel, seededSpec } from '../../../support/models';
import { constant, conv2d, dense, dropout, flatten, maxPool2d, prelu, relu } from '../../../../compiler/dsl/index';

import { checkEveryValue, float32Feeds } from './every-value';

describe('codegen/cpu program: every materialised value equals the reference interpreter', function () {
  this.timeout(120_000);
  before(() => loadAssembler());

  it('on the seed model\'s training graph at batch 2 (conv, PReLU, pooling, dropout, dense, softmax cross-entropy)', () => {
    const model = compiledModel('mnist-prelu');
    const graph = simplify(model.training);
    const failures = checkEveryValue(graph, float32Feeds(model, 2, 5), 2, 77);
    assert.deepEqual(failures, []);
  });

  it('keeps a dropout mask, drawn before the first kernel, intact until its layer runs', () => {
    // Regression: the plan let the pooling kernel's scratch share the later dropout mask's
    // bytes (the mask's life started at its layer), so pooling overwrote the drawn mask.
    const model = compileSmallModel(seededSpec([6, 6, 1], [maxPool2d({ poolSize: 1 }), relu(), flatten(), dropout({ rate: 0.5 }), dense({ units: 2, activation: 'softmax' })]));
    assert.ok(model);
    const graph = simplify(model.training);
    assert.deepEqual(checkEveryValue(graph, float32Feeds(model, 2, 1), 2, 3), []);
    const fusion = fuse(graph);
    assert.deepEqual(overlapsWhileLive(fusion, buildCpuProgram(fusion, 2, 1)), []);
  });

  it('on the training and inference graphs of generated models', () => {
    fc.assert(fc.property(arbSmallModelSpec({ maxBatch: 4 }), fc.nat({ max: 1000 }), (spec, seed) => {
      const model = compileSmallModel(spec);
      fc.pre(model !== null);
      if (model === null) return;
      const batch = spec.fit.batchSize;
      const feeds = float32Feeds(model, batch, seed);
      assert.deepEqual(checkEveryValue(simplify(model.training), feeds, batch, seed), [], 'training graph');
      assert.deepEqual(checkEveryValue(simplify(model.forward), feeds, batch, seed), [], 'inference graph');
    }), { numRuns: 25 });
  });
});

/** Inclusive positions in the program's sequence of calls (kernel functions, JS steps). */
interface Span { readonly start: number; readonly end: number }
const WHOLE_RUN: Span = { start: -1, end: Infinity };

type ScheduleEvent = { readonly kind: 'fn'; readonly name: string } | { readonly kind: 'js'; readonly node: number };

function describeEvent(e: ScheduleEvent | undefined): string {
  return e === undefined ? 'the end' : e.kind === 'fn' ? `function ${e.name}` : `${e.kind} %${e.node}`;
}

/**
 * When each node is computed, read off the program's steps by walking the fusion's kernels
 * in order: a fused kernel is its functions k<i>, k<i>_..., one the code generator could not
 * emit is a JS step per node (an opaque node with a WAT rule is one function k<i>_<j>). Masks are drawn by the `masks` kernel that opens the first segment.
 * Returns the span of every node and of every emitted kernel by its index i.
 */
function schedule(fusion: Fusion, program: CpuProgram): { nodes: Map<number, Span>; kernels: Map<number, Span> } {
  const events: ScheduleEvent[] = program.steps.flatMap((s): ScheduleEvent[] =>
    s.kind === 'wasm' ? s.kernels.map((name) => ({ kind: 'fn', name })) : [{ kind: s.kind, node: s.node }]);
  const byId = new Map(fusion.graph.nodes.map((n) => [n.id, n]));
  const nodes = new Map<number, Span>();
  const kernels = new Map<number, Span>();
  // The masks kernel opens the first segment when the graph draws any mask.
  let c = 0;
  const drawsMasks = fusion.graph.nodes.some((n) => n.op === 'dropoutMask');
  const first = events[0];
  assert.equal(first?.kind === 'fn' && first.name === 'masks', drawsMasks, `the masks kernel ${drawsMasks ? 'must' : 'must not'} run first`);
  assert.equal(program.rngState >= 0, drawsMasks, 'an RNG state slot exactly when masks are drawn');
  if (drawsMasks) c++;
  const take = (kind: 'js', node: number): number => {
    const e = events[c];
    assert.ok(e !== undefined && e.kind === kind && e.node === node, `expected ${kind} %${node} at call ${c}, found ${describeEvent(e)}`);
    return c++;
  };
  const kernelName = (e: ScheduleEvent | undefined): RegExpExecArray | null => (e?.kind === 'fn' ? /^k(\d+)(?:_|$)/.exec(e.name) : null);
  for (const k of fusion.kernels) {
    const first = events[c];
    if (k.kind === 'alias') continue;
    if (k.kind === 'source') {
      nodes.set(k.nodes[0], WHOLE_RUN);
    } else if (k.kind === 'opaque' || (first?.kind === 'js' && first.node === k.nodes[0])) {
      // Each node of an opaque kernel is one WAT function (k<i>_<j>) or, without a rule, a JS step.
      for (const id of k.nodes) {
        const e = events[c];
        const at = e?.kind === 'fn' && /^k\d+_\d+$/.test(e.name) ? c++ : take('js', id);
        nodes.set(id, { start: at, end: at });
      }
    } else {
      const m = kernelName(first);
      assert.ok(m, `expected the functions of kernel ${k.nodes.map((id) => `%${id}`).join(' ')}, found ${describeEvent(first)}`);
      const start = c;
      while (kernelName(events[c])?.[1] === m[1]) c++;
      const span = { start, end: c - 1 };
      kernels.set(Number(m[1]), span);
      for (const id of k.nodes) nodes.set(id, span);
    }
  }
  // After the graph's kernels only the optimizer update may run (it touches pinned buffers only).
  for (; c < events.length; c++) assert.ok(kernelName(events[c]) === null, `unexpected ${describeEvent(events[c])} after the last kernel`);
  return { nodes, kernels };
}

/** Live span of every buffer of the memory plan, by its key (v<id>, scratch<i>, or a pinned region). */
function lifetimes(fusion: Fusion, program: CpuProgram): Map<string, Span> {
  const graph = fusion.graph;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const aliases = new Set(fusion.kernels.filter((k) => k.kind === 'alias').flatMap((k) => k.nodes));
  const root = (id: number): number => (aliases.has(id) ? root((byId.get(id) as Node).inputs[0]) : id);
  const { nodes, kernels } = schedule(fusion, program);
  const life = new Map<number, { start: number; end: number }>();
  for (const n of graph.nodes) {
    if (aliases.has(n.id)) continue;
    const at = nodes.get(n.id);
    assert.ok(at, `%${n.id} = ${n.op} is never computed`);
    const own = life.get(n.id) ?? { start: at.start, end: at.start };
    own.start = at.start;
    life.set(n.id, own);
    for (const i of n.inputs) {
      const r = life.get(root(i)) as { start: number; end: number };
      r.end = Math.max(r.end, at.end);
    }
  }
  for (const id of Object.values(graph.outputs)) (life.get(root(id)) as { end: number }).end = Infinity;
  const spans = new Map<string, Span>();
  for (const key of program.memory.offsets.keys()) {
    const value = /^v(\d+)$/.exec(key);
    const scratch = /^scratch(\d+)$/.exec(key);
    const span = value ? life.get(Number(value[1])) : scratch ? kernels.get(Number(scratch[1])) : WHOLE_RUN;
    assert.ok(span, `buffer ${key} belongs to nothing the program runs`);
    spans.set(key, span);
  }
  return spans;
}

/** Pairs of buffers live at the same time whose bytes overlap. */
function overlapsWhileLive(fusion: Fusion, program: CpuProgram): string[] {
  const spans = lifetimes(fusion, program);
  const { offsets, bytes } = program.memory;
  const keys = [...offsets.keys()].filter((k) => (bytes.get(k) as number) > 0);
  const clashes: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      const a = keys[i], b = keys[j];
      const sa = spans.get(a) as Span, sb = spans.get(b) as Span;
      if (sa.end < sb.start || sb.end < sa.start) continue;
      const a0 = offsets.get(a) as number, b0 = offsets.get(b) as number;
      if (a0 < b0 + (bytes.get(b) as number) && b0 < a0 + (bytes.get(a) as number)) {
        clashes.push(`${a} [${a0}, +${bytes.get(a)}) live ${sa.start}..${sa.end} and ${b} [${b0}, +${bytes.get(b)}) live ${sb.start}..${sb.end}`);
      }
    }
  }
  return clashes;
}

/** Params, their gradients, inputs and outputs must lie in the pinned area; slots must match the plan. */
function pinnedProblems(fusion: Fusion, program: CpuProgram): string[] {
  const graph = fusion.graph;
  const problems: string[] = [];
  const aliases = new Set(fusion.kernels.filter((k) => k.kind === 'alias').flatMap((k) => k.nodes));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const root = (id: number): number => (aliases.has(id) ? root((byId.get(id) as Node).inputs[0]) : id);
  for (const [id, slot] of program.slots) {
    const key = `v${root(id)}`;
    if (program.memory.offsets.get(key) !== slot.offset) problems.push(`%${id}'s slot is not at buffer ${key}`);
    if (4 * shapeSize(slot.shape) > (program.memory.bytes.get(key) as number)) problems.push(`%${id} [${slot.shape}] is larger than buffer ${key}`);
  }
  const params = graph.nodes.filter((n) => n.op === 'param');
  const mustPin = [
    ...params.map((n) => n.id),
    ...params.flatMap((n) => graph.outputs[`grad:${String(n.attrs.name)}`] ?? []),
    ...graph.nodes.filter((n) => n.op === 'input').map((n) => n.id),
    ...Object.values(graph.outputs),
  ];
  for (const id of mustPin) {
    const slot = program.slots.get(id);
    if (!slot) { problems.push(`%${id} has no buffer`); continue; }
    const end = slot.offset + 4 * shapeSize(slot.shape);
    if (end > program.memory.pinnedBytes) problems.push(`%${id} = ${(byId.get(id) as Node).op} at [${slot.offset}, ${end}) is outside the pinned area (${program.memory.pinnedBytes} bytes)`);
  }
  return problems;
}

/** JS steps work on values in memory: each value they read or write needs a buffer. */
function unbufferedStepValues(program: CpuProgram): string[] {
  const byId = new Map(program.graph.nodes.map((n) => [n.id, n]));
  return program.steps.flatMap((s) => {
    if (s.kind === 'wasm') return [];
    const node = byId.get(s.node) as Node;
    return [node.id, ...node.inputs]
      .filter((id) => !program.slots.has(id))
      .map((id) => `${s.kind} step %${node.id} = ${node.op} needs %${id} = ${(byId.get(id) as Node).op}, which has no buffer`);
  });
}

describe('codegen/cpu program: the memory plan', () => {
  const checkPlan = (graph: Graph, batch: number, threads: number, model: CompiledModel, train: boolean): void => {
    const fusion = fuse(graph);
    const program = buildCpuProgram(fusion, batch, threads, train ? model.spec.optimizer : null);
    const where = `batch ${batch}, ${threads} thread(s), ${train ? 'with' : 'without'} the optimizer update`;
    assert.deepEqual(overlapsWhileLive(fusion, program), [], `live buffers overlap (${where})`);
    assert.deepEqual(pinnedProblems(fusion, program), [], `pinned space (${where})`);
    assert.deepEqual(unbufferedStepValues(program), [], `JS steps (${where})`);
  };

  it('gives every value a JS step reads or writes a buffer', () => {
    // Regression: a conv anchor whose epilogue operand (PReLU's alpha [h,1,1]) has no row
    // address fell back to JS steps, but only the kernel's outputs had been given buffers.
    const model = compileSmallModel(seededSpec([6, 6, 1], [
      conv2d({ filters: 1, kernelSize: 1 }), prelu({ sharedAxes: [2], alphaInitializer: constant(0.1) }), flatten(), dense({ units: 2, activation: 'softmax' }),
    ]));
    assert.ok(model);
    checkPlan(simplify(model.training), 2, 1, model, true);
    checkPlan(simplify(model.forward), 2, 1, model, false);
  });

  it('never overlaps live buffers and pins params, gradients, inputs and outputs: the seed model', () => {
    const model = compiledModel('mnist-prelu');
    for (const threads of [1, 2]) {
      checkPlan(simplify(model.training), 3, threads, model, true);
      checkPlan(simplify(model.training), 2, threads, model, false);
      checkPlan(simplify(model.forward), 3, threads, model, false);
    }
  });

  it('never overlaps live buffers and pins params, gradients, inputs and outputs: generated models', () => {
    fc.assert(fc.property(arbSmallModelSpec(), fc.integer({ min: 1, max: 3 }), fc.boolean(), (spec, threads, train) => {
      const model = compileSmallModel(spec);
      fc.pre(model !== null);
      if (model === null) return;
      checkPlan(simplify(model.training), spec.fit.batchSize, threads, model, train);
      checkPlan(simplify(model.forward), spec.fit.batchSize, threads, model, false);
    }), { numRuns: 60 });
  });
});
