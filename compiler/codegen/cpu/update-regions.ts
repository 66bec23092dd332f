// The optimizer update's memory: params, their gradients and each optimizer slot lie in
// regions of one internal layout, so one WAT kernel updates every parameter in one pass.

import type { Graph } from '../../ir/types';
import { shapeSize } from '../../ir/types';
import type { BufferRequest, MemoryPlan } from '../../passes/memory';
import type { OptimizerSpec } from '../../dsl/spec';
import type { WatFunction } from './wat/module';
import { emitAdamUpdate, emitSgdUpdate } from './wat/optimizer';

/** The memory-plan key of value `id`'s buffer. */
export const valueKey = (id: number): string => `v${id}`;

/**
 * Params, their gradients and the optimizer's slots each lie in one region with the same
 * internal layout, so one kernel updates every parameter in a single pass.
 */
export interface UpdateLayout {
  /** Elements in each region (padding between params included: it stays zero). */
  readonly count: number;
  readonly params: number;
  readonly grads: number;
  /** Slot regions by name (adam: m, v; sgd with momentum: momentum). */
  readonly slots: ReadonlyMap<string, number>;
  /** f32 learning rate and i32 1-based step the kernel reads. */
  readonly lrSlot: number;
  readonly stepSlot: number;
  /** Byte offset of each param inside a region, in param order. */
  readonly paramOffsets: readonly number[];
}

export interface UpdateRegions {
  readonly requests: BufferRequest[];
  readonly params: readonly number[];
  readonly grads: readonly number[];
  readonly slotNames: readonly string[];
}

/** Pinned requests laying out params, then grads, then each slot, in param order. */
export function updateRegions(graph: Graph, aliasOf: ReadonlyMap<number, number>, shapeOf: (id: number) => number[], optimizer: OptimizerSpec): UpdateRegions | null {
  const params = graph.nodes.filter((n) => n.op === 'param').map((n) => n.id);
  const grads = params.map((id) => graph.outputs[`grad:${String(graph.nodes.find((n) => n.id === id)?.attrs.name)}`]);
  // A gradient must be its own buffer (not an alias, param, input, or another output's value).
  const distinct = new Set(grads);
  const ok = grads.every((g) => g !== undefined && !aliasOf.has(g) && !params.includes(g)) && distinct.size === grads.length
    && grads.every((g) => { const op = graph.nodes.find((n) => n.id === g)?.op; return op !== 'input' && op !== 'constant'; });
  if (!ok || params.length === 0) return null;
  const slotNames = optimizer.kind === 'adam' ? ['m', 'v'] : optimizer.momentum > 0 ? ['momentum'] : [];
  const bytes = (id: number): number => 4 * shapeSize(shapeOf(id));
  const pinned = (key: string, b: number): BufferRequest => ({ key, bytes: b, first: 0, last: 0, pinned: true });
  const requests = [
    ...params.map((id) => pinned(valueKey(id), bytes(id))),
    ...grads.map((id, k) => pinned(valueKey(id), bytes(params[k]))),
    ...slotNames.flatMap((s) => params.map((id, k) => pinned(`slot:${s}:${k}`, bytes(id)))),
    pinned('lr', 4), pinned('step', 4),
  ];
  return { requests, params, grads, slotNames };
}

export function updateLayout(r: UpdateRegions, memory: MemoryPlan): UpdateLayout {
  const at = (key: string): number => memory.offsets.get(key) as number;
  const params = at(valueKey(r.params[0]));
  const lastKey = valueKey(r.params[r.params.length - 1]);
  // Regions share one internal layout: same sizes, in the same order, each 64-byte aligned.
  return {
    count: (at(lastKey) + (memory.bytes.get(lastKey) as number) - params) / 4,
    params,
    grads: at(valueKey(r.grads[0])),
    slots: new Map(r.slotNames.map((s) => [s, at(`slot:${s}:0`)])),
    lrSlot: at('lr'),
    stepSlot: at('step'),
    paramOffsets: r.params.map((id) => at(valueKey(id)) - params),
  };
}

export function emitUpdate(o: OptimizerSpec, u: UpdateLayout, name: string): WatFunction {
  if (o.kind === 'adam') {
    return emitAdamUpdate({
      name, count: u.count, params: u.params, grads: u.grads, m: u.slots.get('m') as number, v: u.slots.get('v') as number,
      beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, lrSlot: u.lrSlot, stepSlot: u.stepSlot,
    });
  }
  return emitSgdUpdate({ name, count: u.count, params: u.params, grads: u.grads, velocity: u.slots.get('momentum'), momentum: o.momentum, nesterov: o.nesterov, lrSlot: u.lrSlot });
}
