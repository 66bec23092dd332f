// The optimizer update's memory: params, their gradients and each optimizer slot lie in
// regions of one internal layout, so one WAT kernel updates every parameter in one pass.

import type { Graph } from '../../ir/types';
import { shapeSize } from '../../ir/types';
import { isTrainable } from '../../ir/graph';
import type { BufferRequest, MemoryPlan } from '../../passes/memory';
import type { OptimizerSpec } from '../../dsl/spec';
import type { WatFunction } from './wat/module';
import { emitAdamUpdate, emitSgdUpdate } from './wat/optimizer';
import { emitRmspropUpdate } from './wat/optimizer-rmsprop';
import { emitGradNorms, type UpdateClip } from './wat/optimizer-clip';
import { clippingOf, optimizerSlotNames } from '../../../format/optimizer-slots';

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
  /** Elements of each param, in param order. */
  readonly paramSizes: readonly number[];
  /** Byte offset of one f64 per param (its gradient's sum of squares) when clipping by norm, else -1. */
  readonly gradNorms: number;
}

export interface UpdateRegions {
  readonly requests: BufferRequest[];
  readonly params: readonly number[];
  readonly grads: readonly number[];
  readonly slotNames: readonly string[];
  readonly sizes: readonly number[];
}

/** Pinned requests laying out params, then grads, then each slot, in param order. */
export function updateRegions(graph: Graph, aliasOf: ReadonlyMap<number, number>, shapeOf: (id: number) => number[], optimizer: OptimizerSpec): UpdateRegions | null {
  const params = graph.nodes.filter(isTrainable).map((n) => n.id);
  const grads = params.map((id) => graph.outputs[`grad:${String(graph.nodes.find((n) => n.id === id)?.attrs.name)}`]);
  // A gradient must be its own buffer (not an alias, param, input, or another output's value).
  const distinct = new Set(grads);
  const ok = grads.every((g) => g !== undefined && !aliasOf.has(g) && !params.includes(g)) && distinct.size === grads.length
    && grads.every((g) => { const op = graph.nodes.find((n) => n.id === g)?.op; return op !== 'input' && op !== 'constant'; });
  if (!ok || params.length === 0) return null;
  const slotNames = optimizerSlotNames(optimizer);
  const byNorm = ['norm', 'globalNorm'].includes(clippingOf(optimizer).kind);
  const bytes = (id: number): number => 4 * shapeSize(shapeOf(id));
  const pinned = (key: string, b: number): BufferRequest => ({ key, bytes: b, first: 0, last: 0, pinned: true });
  const requests = [
    ...params.map((id) => pinned(valueKey(id), bytes(id))),
    ...grads.map((id, k) => pinned(valueKey(id), bytes(params[k]))),
    ...slotNames.flatMap((s) => params.map((id, k) => pinned(`slot:${s}:${k}`, bytes(id)))),
    pinned('lr', 4), pinned('step', 4),
    ...(byNorm ? [pinned('gradNorms', 8 * params.length)] : []),
  ];
  return { requests, params, grads, slotNames, sizes: params.map((id) => shapeSize(shapeOf(id))) };
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
    paramSizes: r.sizes,
    gradNorms: memory.offsets.get('gradNorms') ?? -1,
  };
}

/** The update kernel's clipping; clipnorm's scaling happens before it, in the gradNorms kernel. */
function updateClip(o: OptimizerSpec, u: UpdateLayout): UpdateClip {
  const c = clippingOf(o);
  if (c.kind === 'value') return { kind: 'value', limit: c.limit };
  if (c.kind === 'globalNorm') return { kind: 'globalNorm', limit: c.limit, norms: u.gradNorms, params: u.paramOffsets.length };
  return { kind: 'none' };
}

/** The update's kernels, in order (a barrier between them): the gradient norms when clipping by norm, then the update. */
export function emitUpdate(o: OptimizerSpec, u: UpdateLayout, name: string): WatFunction[] {
  const c = clippingOf(o);
  const norms = c.kind === 'norm' || c.kind === 'globalNorm'
    ? [emitGradNorms({
      name: `${name}_norms`, grads: u.grads, norms: u.gradNorms, clipnorm: c.kind === 'norm' ? c.limit : null,
      ranges: u.paramOffsets.map((offset, k) => ({ offset, count: u.paramSizes[k] })),
    })]
    : [];
  const clip = updateClip(o, u);
  const slot = (s: string): number | undefined => u.slots.get(s);
  const region = { name, count: u.count, params: u.params, grads: u.grads, lrSlot: u.lrSlot, clip };
  switch (o.kind) {
    case 'adam': case 'adamw':
      return [...norms, emitAdamUpdate({
        ...region, m: slot('m') as number, v: slot('v') as number, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, stepSlot: u.stepSlot,
        weightDecay: o.kind === 'adamw' ? o.weightDecay : 0,
      })];
    case 'sgd':
      return [...norms, emitSgdUpdate({ ...region, velocity: slot('momentum'), momentum: o.momentum, nesterov: o.nesterov })];
    case 'rmsprop':
      return [...norms, emitRmspropUpdate({
        ...region, velocity: slot('velocity') as number, momentumSlot: slot('momentum'), averageGradient: slot('averageGradient'),
        rho: o.rho, momentum: o.momentum, epsilon: o.epsilon, centered: o.centered,
      })];
  }
}
