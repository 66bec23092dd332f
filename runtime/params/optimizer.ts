// Keras 3 optimizer semantics on plain arrays: the reference the compiled update kernels match.
// One update: the learning rate of this step (the schedule at the updates done so far), the
// gradients clipped (clipnorm, globalClipnorm or clipvalue), AdamW's decoupled weight decay,
// then the optimizer's own step.

import type { OptimizerSpec } from '../../format/spec';
import { clippingOf, optimizerSlotNames } from '../../format/optimizer-slots';
import { learningRateAt } from './schedule';

export interface OptimizerSlots {
  /** Slot arrays per parameter, by slot name (adam: m, v; sgd: momentum; rmsprop: velocity, ...). */
  readonly slots: Map<string, Float32Array[]>;
}

export function slotNames(spec: OptimizerSpec): string[] {
  return optimizerSlotNames(spec);
}

type Of<K extends OptimizerSpec['kind']> = Extract<OptimizerSpec, { kind: K }>;
type Grad = ArrayLike<number>;

function sumOfSquares(g: Grad): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return s;
}

const scaled = (g: Grad, scale: number): Float64Array => Float64Array.from({ length: g.length }, (_, i) => g[i] * scale);

/** The gradients after Keras' clipping: each scaled to clip / max(norm, clip), or clamped elementwise. */
export function clipGradients(spec: OptimizerSpec, grads: readonly Grad[]): readonly Grad[] {
  const c = clippingOf(spec);
  if (c.kind === 'none') return grads;
  if (c.kind === 'value') return grads.map((g) => Float64Array.from({ length: g.length }, (_, i) => Math.min(Math.max(g[i], -c.limit), c.limit)));
  if (c.kind === 'norm') return grads.map((g) => scaled(g, c.limit / Math.max(Math.sqrt(sumOfSquares(g)), c.limit)));
  const norm = Math.sqrt(grads.reduce((s, g) => s + sumOfSquares(g), 0));
  return grads.map((g) => scaled(g, c.limit / Math.max(norm, c.limit)));
}

function adam(spec: Of<'adam'> | Of<'adamw'>, lr: number, params: Float32Array[], grads: readonly Grad[], slots: Map<string, Float32Array[]>, step: number): void {
  const lrT = lr * Math.sqrt(1 - Math.pow(spec.beta2, step)) / (1 - Math.pow(spec.beta1, step));
  const ms = slots.get('m') as Float32Array[];
  const vs = slots.get('v') as Float32Array[];
  params.forEach((p, k) => {
    const g = grads[k]; const m = ms[k]; const v = vs[k];
    for (let i = 0; i < p.length; i++) {
      m[i] = spec.beta1 * m[i] + (1 - spec.beta1) * g[i];
      v[i] = spec.beta2 * v[i] + (1 - spec.beta2) * g[i] * g[i];
      p[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + spec.epsilon);
    }
  });
}

function sgd(spec: Of<'sgd'>, lr: number, params: Float32Array[], grads: readonly Grad[], slots: Map<string, Float32Array[]>): void {
  const velocities = slots.get('momentum');
  params.forEach((p, k) => {
    const g = grads[k];
    if (!velocities) { for (let i = 0; i < p.length; i++) p[i] -= lr * g[i]; return; }
    const vel = velocities[k];
    for (let i = 0; i < p.length; i++) {
      vel[i] = spec.momentum * vel[i] - lr * g[i];
      p[i] += spec.nesterov ? spec.momentum * vel[i] - lr * g[i] : vel[i];
    }
  });
}

function rmsprop(spec: Of<'rmsprop'>, lr: number, params: Float32Array[], grads: readonly Grad[], slots: Map<string, Float32Array[]>): void {
  const rho = spec.rho;
  params.forEach((p, k) => {
    const g = grads[k];
    const vel = (slots.get('velocity') as Float32Array[])[k];
    const avg = slots.get('averageGradient')?.[k];
    const mom = slots.get('momentum')?.[k];
    for (let i = 0; i < p.length; i++) {
      vel[i] = rho * vel[i] + (1 - rho) * g[i] * g[i];
      let denominator = vel[i] + spec.epsilon;
      if (avg) {
        avg[i] = rho * avg[i] + (1 - rho) * g[i];
        denominator = vel[i] - avg[i] * avg[i] + spec.epsilon;
      }
      const increment = (lr * g[i]) / Math.sqrt(denominator);
      if (mom) {
        mom[i] = spec.momentum * mom[i] + increment;
        p[i] -= mom[i];
      } else {
        p[i] -= increment;
      }
    }
  });
}

/** One update of every parameter; `step` is 1-based (the number of this update). */
export function applyUpdate(spec: OptimizerSpec, params: Float32Array[], grads: ArrayLike<number>[], slots: Map<string, Float32Array[]>, step: number): void {
  const lr = learningRateAt(spec.learningRate, step - 1);
  const g = clipGradients(spec, grads);
  switch (spec.kind) {
    case 'adam': return adam(spec, lr, params, g, slots, step);
    case 'adamw':
      for (const p of params) for (let i = 0; i < p.length; i++) p[i] -= p[i] * spec.weightDecay * lr;
      return adam(spec, lr, params, g, slots, step);
    case 'sgd': return sgd(spec, lr, params, g, slots);
    case 'rmsprop': return rmsprop(spec, lr, params, g, slots);
  }
}
