// codegen/cpu: Fusion -> CpuProgram. Places every value in one linear memory (memory plan),
// emits one WAT function per fused kernel, groups consecutive WAT kernels into segments
// (one call per thread runs a whole segment, with barriers between dependent kernels).
// Opaque nodes run as WAT where codegen/cpu/opaque has a rule (softmax, the loss head), and
// otherwise as host steps that evaluate their float64 reference.

import type { Graph, Node } from '../../ir/types';
import { bindShape, shapeSize } from '../../ir/types';
import type { Fusion, FusedKernel } from '../../passes/fuse';
import { planMemory, type MemoryPlan } from '../../passes/memory';
import { rowAddress, iterSpace } from '../../passes/layout';
import { composeKernel, inlineLets } from './compose';
import { anchorRule } from './anchors';
import { emitOpaque } from './opaque';
import './anchors-pool';
import './anchors-conv';
import { S } from '../../ir/scalar';
import type { WatFunction } from './wat/module';
import { moduleText } from './wat/module';
import { withMathHelpers } from './wat/math';
import { emitRowLoop, emitReductionCombine, needsReductionCombine, reductionScratchBytes, type RowLoopParams } from './wat/loop';
import type { Epilogue } from './wat/epilogue';
import { BARRIER_BYTES, barrierAbortAddress, emitBarrier } from './wat/barrier';
import { emitUpdate, updateLayout, updateRegions, valueKey, type UpdateLayout } from './update-regions';
import { emitDropoutMasks, maskDraws } from './wat/masks';
import { bufferRequests, type PendingKernel } from './buffers';
import type { OptimizerSpec } from '../../dsl/spec';
import { SizeLimitError, WASM_MAX_BYTES, WASM_PAGE_BYTES, formatBytes } from '../../../format/limits';

export type CpuStep =
  | { readonly kind: 'wasm'; readonly segment: string; readonly kernels: readonly string[] }
  | { readonly kind: 'js'; readonly node: number };

export interface ValueSlot { readonly offset: number; readonly shape: readonly number[] }

export type { UpdateLayout };

export interface CpuProgram {
  readonly graph: Graph;
  readonly batch: number;
  readonly threads: number;
  readonly functions: readonly WatFunction[];
  readonly wat: string;
  readonly pages: number;
  readonly steps: readonly CpuStep[];
  /** Where each value lives (aliases share their source's bytes). */
  readonly slots: ReadonlyMap<number, ValueSlot>;
  /** Constants to fill once after instantiation. */
  readonly constants: readonly { readonly offset: number; readonly count: number; readonly value: number }[];
  readonly memory: MemoryPlan;
  /** Address of the barriers' abort flag (threads > 1), for the thread pool. */
  readonly abortAddress: number;
  /** The compiled optimizer update, when the program trains: where its regions lie. */
  readonly update: UpdateLayout | null;
  /**
   * Byte offset of the dropout masks' xoshiro128** states (four u32 each, one per drawing
   * thread), which the host sets before each run; -1 when the program draws no mask.
   */
  readonly rngState: number;
  /** Threads that draw masks at most (states at rngState + 16t), and values drawn per run. */
  readonly rngStreams: number;
  readonly rngDraws: number;
}

/** Threads that share the mask drawing at most: room for their states costs 16 bytes each. */
const MASK_STREAMS = 64;

/**
 * Kernels this code generator cannot emit as WAT (an anchor op without an emitter, a loop
 * whose operands have no row/column address) run node by node as JS steps: each node is
 * materialised, so the plan gives every one of them a buffer.
 */
function splitUnlowerable(fusion: Fusion, batch: number): Fusion {
  const graph = fusion.graph;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const shapeOf = (id: number): number[] => bindShape((byId.get(id) as Node).type.shape, batch);
  const kernels = fusion.kernels.flatMap((k): FusedKernel[] => {
    const lowerable = k.kind === 'anchor'
      ? anchorRule((byId.get(k.anchor as number) as Node).op) !== undefined && epilogueAddressable(graph, k, shapeOf)
      : k.kind === 'loop' ? loopParams(graph, k, (id) => ({ offset: 0, shape: shapeOf(id) }), 0, batch) !== null : true;
    if (lowerable) return [k];
    return k.nodes.map((id) => ({
      kind: 'opaque', anchor: null, nodes: [id], space: null, outputs: [id],
      inputs: (byId.get(id) as Node).inputs,
    }));
  });
  return { ...fusion, kernels };
}

function epilogueAddressable(graph: Graph, k: FusedKernel, shapeOf: (id: number) => number[]): boolean {
  const out = shapeOf(k.anchor as number);
  return composeKernel(graph, k, 1).operands.every((id) => rowAddress(shapeOf(id), out) !== null);
}

export function buildCpuProgram(fused: Fusion, batch: number, threads: number, optimizer: OptimizerSpec | null = null): CpuProgram {
  const fusion = splitUnlowerable(fused, batch);
  const graph = fusion.graph;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const shapeOf = (id: number): number[] => bindShape((byId.get(id) as Node).type.shape, batch);
  const { requests: valueRequests, aliasOf, pending } = bufferRequests(fusion, shapeOf, (k) => scratchBytes(graph, k, shapeOf));
  const regions = optimizer ? updateRegions(graph, aliasOf, shapeOf, optimizer) : null;
  const regionKeys = new Set(regions ? regions.requests.map((r) => r.key) : []);
  const masks = graph.nodes.filter((n) => n.op === 'dropoutMask');
  const requests = [
    ...(threads > 1 ? [{ key: 'barrier', bytes: BARRIER_BYTES, first: 0, last: 0, pinned: true }] : []),
    ...(masks.length > 0 ? [{ key: 'rng', bytes: 16 * MASK_STREAMS, first: 0, last: 0, pinned: true }] : []),
    ...(regions ? regions.requests : []),
    ...valueRequests.filter((r) => !regionKeys.has(r.key)),
  ];
  const memory = planMemory(requests);
  checkMemoryLimit(memory.totalBytes + WASM_PAGE_BYTES, batch);
  const slots = new Map<number, ValueSlot>();
  for (const n of graph.nodes) {
    const key = valueKey(aliasOf.get(n.id) ?? n.id);
    const offset = memory.offsets.get(key);
    if (offset !== undefined) slots.set(n.id, { offset, shape: shapeOf(n.id) });
  }
  const update = regions && optimizer ? updateLayout(regions, memory) : null;
  const rngState = memory.offsets.get('rng') ?? -1;
  const maskBuffers = masks.map((n) => {
    const s = slots.get(n.id);
    if (!s) throw new Error(`dropout mask %${n.id} has no buffer`);
    return { offset: s.offset, count: shapeSize(s.shape), rate: Number(n.attrs.rate) };
  });
  const drawMasks = masks.length === 0 ? null : emitDropoutMasks({ name: 'masks', state: rngState, streams: MASK_STREAMS, masks: maskBuffers });
  const rng = { rngState, rngStreams: masks.length === 0 ? 0 : MASK_STREAMS, rngDraws: maskDraws(maskBuffers) };
  const { functions, steps } = schedule(graph, pending, { memory, slots, threads, batch, shapeOf }, drawMasks, update && optimizer ? emitUpdate(optimizer, update, 'update') : []);
  const constants = graph.nodes.filter((n) => n.op === 'constant' && slots.has(n.id)).map((n) => {
    const s = slots.get(n.id) as ValueSlot;
    return { offset: s.offset, count: shapeSize(s.shape), value: Number(n.attrs.value) };
  });
  const pages = Math.ceil((memory.totalBytes + 65536) / 65536);
  const barrier = memory.offsets.get('barrier');
  const sync = barrier === undefined ? [] : [emitBarrier('barrier', barrier)];
  const all = withMathHelpers([...functions, ...sync, ...segmentFunctions(steps, threads)]);
  const abortAddress = barrier === undefined ? -1 : barrierAbortAddress(barrier);
  return { graph, batch, threads, functions: all, wat: moduleText({ functions: all, pages }), pages, steps, slots, constants, memory, abortAddress, update, ...rng };
}

/** Refuses a plan a wasm32 memory cannot hold, before any code (with its i32 addresses) is generated. */
function checkMemoryLimit(bytes: number, batch: number): void {
  if (bytes > WASM_MAX_BYTES) {
    throw new SizeLimitError(`the program at batch size ${batch} needs ${formatBytes(bytes)} of memory, over the ${formatBytes(WASM_MAX_BYTES)} a WebAssembly program can address`, bytes, WASM_MAX_BYTES);
  }
}

interface ScheduleContext {
  readonly memory: MemoryPlan;
  readonly slots: ReadonlyMap<number, ValueSlot>;
  readonly threads: number;
  readonly batch: number;
  readonly shapeOf: (id: number) => number[];
}

/**
 * Kernels in order: consecutive WAT kernels form a segment (one call per thread, barriers
 * inside); opaque nodes without a WAT rule are host steps between segments. The dropout
 * masks, drawn in graph order as the reference draws them, open the first segment; the
 * optimizer update, if any, ends the last.
 */
function schedule(
  graph: Graph, pending: readonly PendingKernel[], ctx: ScheduleContext, drawMasks: WatFunction | null, update: readonly WatFunction[],
): { functions: WatFunction[]; steps: CpuStep[] } {
  const functions: WatFunction[] = drawMasks ? [drawMasks] : [];
  const steps: CpuStep[] = [];
  let segment: string[] = drawMasks ? [drawMasks.name] : [];
  const flush = (): void => {
    if (segment.length > 0) steps.push({ kind: 'wasm', segment: `seg${steps.length}`, kernels: segment });
    segment = [];
  };
  for (const { index, kernel: k } of pending) {
    const scratch = ctx.memory.offsets.get(`scratch${index}`) ?? 0;
    if (k.kind === 'alias' || k.kind === 'source') continue;
    if (k.kind === 'opaque') {
      k.nodes.forEach((id, j) => {
        const wat = emitOpaqueNode(graph, id, `k${index}_${j}`, ctx);
        if (wat) { functions.push(...wat); segment.push(...wat.map((f) => f.name)); } else { flush(); steps.push({ kind: 'js', node: id }); }
      });
      continue;
    }
    const emitted = k.kind === 'loop'
      ? emitLoopKernel(graph, k, index, ctx.slots, scratch, ctx.batch)
      : emitAnchorKernel(graph, k, index, ctx.slots, scratch, ctx.shapeOf);
    functions.push(...emitted);
    segment.push(...emitted.map((f) => f.name));
  }
  for (const u of update) { functions.push(u); segment.push(u.name); }
  flush();
  return { functions, steps };
}

function emitOpaqueNode(graph: Graph, id: number, name: string, ctx: ScheduleContext): WatFunction[] | null {
  const node = graph.nodes.find((n) => n.id === id) as Node;
  const slot = (v: number): ValueSlot => ctx.slots.get(v) as ValueSlot;
  return emitOpaque({ name, node, inputs: node.inputs.map(slot), outShape: slot(id).shape, out: slot(id).offset });
}

/** One exported function per segment: its kernels in order, a barrier between each. */
function segmentFunctions(steps: readonly CpuStep[], threads: number): WatFunction[] {
  return steps.flatMap((s) => {
    if (s.kind !== 'wasm') return [];
    const calls = s.kernels.map((k) => `    (call $${k} (local.get $tid) (local.get $nth))`);
    const body = calls.join(threads > 1 ? '\n    (call $barrier (local.get $tid) (local.get $nth))\n' : '\n');
    return [{ name: s.segment, text: `  (func $${s.segment} (param $tid i32) (param $nth i32)\n${body})` }];
  });
}

function scratchBytes(graph: Graph, k: FusedKernel, shapeOf: (id: number) => number[]): number {
  if (k.kind === 'loop') {
    const p = loopParams(graph, k, (id) => ({ offset: 0, shape: shapeOf(id) }), 0, batchOf(graph, shapeOf));
    return p ? reductionScratchBytes(p) : 0;
  }
  if (k.kind === 'anchor' && k.anchor !== null) {
    const n = graph.nodes.find((x) => x.id === k.anchor) as Node;
    const rule = anchorRule(n.op);
    return rule ? rule.scratchBytes(n, n.inputs.map(shapeOf), shapeOf(n.id)) : 0;
  }
  return 0;
}

/** The bound batch size, read off the graph's first batched value. */
function batchOf(graph: Graph, shapeOf: (id: number) => number[]): number {
  for (const n of graph.nodes) {
    const k = n.type.shape.indexOf('N');
    if (k >= 0) return shapeOf(n.id)[k];
  }
  return 1;
}

function addressOf(slot: ValueSlot, space: readonly number[]): { offset: number; rowPeriod: number; rowStride: number; colStride: number } | null {
  const a = rowAddress(slot.shape, space);
  return a ? { offset: slot.offset, ...a } : null;
}

function loopParams(graph: Graph, k: FusedKernel, slotOf: (id: number) => ValueSlot, scratch: number, batch: number): RowLoopParams | null {
  if (!k.space) return null;
  const space = bindShape(k.space, batch);
  const { rows, cols } = iterSpace(space);
  const c = composeKernel(graph, k, 0);
  const operands = c.operands.map((id) => addressOf(slotOf(id), space));
  if (operands.some((o) => o === null)) return null;
  const base = c.operands.length;
  const stores = c.letOf.flatMap((id, j) => (k.outputs.includes(id) ? [{ expr: S.arg(base + j), offset: slotOf(id).offset, rowStride: cols }] : []));
  const reductions = c.reductions.map((r) => {
    const target = addressOf(slotOf(r.id), space);
    if (!target || r.arg < 0) throw new Error(`reduction %${r.id} cannot be addressed over [${space}]`);
    return { expr: S.arg(r.arg), target };
  });
  return {
    name: 'k', rows, cols,
    operands: operands as NonNullable<(typeof operands)[number]>[],
    lets: c.lets, stores, reductions, partialOffset: scratch,
  };
}

function emitLoopKernel(graph: Graph, k: FusedKernel, index: number, slots: ReadonlyMap<number, ValueSlot>, scratch: number, batch: number): WatFunction[] {
  const p = loopParams(graph, k, (id) => slots.get(id) as ValueSlot, scratch, batch);
  if (!p) throw new Error(`kernel k${index}: a loop without row addresses (splitUnlowerable should have split it)`);
  const named = { ...p, name: `k${index}` };
  const fns = [emitRowLoop(named)];
  if (needsReductionCombine(named)) fns.push(emitReductionCombine(named));
  return fns;
}

function emitAnchorKernel(graph: Graph, k: FusedKernel, index: number, slots: ReadonlyMap<number, ValueSlot>, scratch: number, shapeOf: (id: number) => number[]): WatFunction[] {
  const node = graph.nodes.find((n) => n.id === k.anchor) as Node;
  const rule = anchorRule(node.op);
  if (!rule) throw new Error(`kernel k${index}: no emitter for ${node.op} (splitUnlowerable should have split it)`);
  const outShape = shapeOf(node.id);
  const { cols } = iterSpace(outShape);
  const c = composeKernel(graph, k, 1);
  const operands = c.operands.map((id) => addressOf(slots.get(id) as ValueSlot, outShape));
  if (operands.some((o) => o === null)) throw new Error(`kernel k${index}: an epilogue operand has no row address (splitUnlowerable should have split it)`);
  const inlined = inlineLets(c, 1);
  const stores = k.outputs.map((id) => {
    const expr = id === node.id ? S.arg(0) : inlined[c.letOf.indexOf(id)];
    return { expr, offset: (slots.get(id) as ValueSlot).offset, ld: cols };
  });
  const epilogue: Epilogue = { operands: operands as NonNullable<(typeof operands)[number]>[], stores };
  const inputs = node.inputs.map((id) => slots.get(id) as ValueSlot);
  return rule.emit({ name: `k${index}`, node, inputs, outShape, epilogue, scratch });
}
