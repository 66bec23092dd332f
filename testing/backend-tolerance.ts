// How far a float32 backend's training step may stray from the float64 reference. A
// gradient may be off by float32 rounding of its sums; the optimizer can magnify that
// (Adam divides by sqrt(v): a gradient near zero, of uncertain sign, may move a weight
// by a whole learning rate). So the tolerance of each updated weight and slot is found
// by running the optimizer (and the constraint) on the reference gradient moved within
// its own tolerance, and taking how far the result moves, plus float32 rounding.

import type { ConstraintSpec, OptimizerSpec } from '../format/spec';
import type { NamedTensor, TrainingState } from '../runtime/engine';
import { applyUpdate, slotNames } from '../runtime/params/optimizer';
import { learningRateAt } from '../runtime/params/schedule';
import { clippingOf } from '../format/optimizer-slots';
import { applyConstraint, groupNorms, normScale, type NormConstraint } from '../runtime/params/constraints';

/** float32 against float64: relative rounding allowed on any value, and a gradient's tolerance. */
export const TOLERANCE = {
  /** Relative rounding of one stored float32 value, with room for a few operations. */
  rounding: 1e-6,
  /** A gradient element: relative, relative to the param's largest gradient, absolute. */
  gradient: { rtol: 1e-3, scaled: 1e-4, atol: 1e-5 },
  loss: { rtol: 1e-4, atol: 1e-5 },
  output: { rtol: 1e-4, atol: 1e-5 },
  /** float32's unit roundoff. */
  unitRoundoff: 2 ** -24,
} as const;

/**
 * The absolute rounding error a float32 run may carry into its losses, outputs and (relative
 * to their scale) gradients: Higham's bound for a sum of n products, n * u * sum(|terms|),
 * with n the longest row a value is computed from (the most values per example, or the
 * batch) and sum(|terms|) taken as the largest value the reference computed on the way. It
 * is no pessimism: 1,260 equal terms (a constant kernel over a flattened map) round the same
 * way each time and reach a quarter of it, a logit of 63 off by 1e-3; models of moderate
 * values and sizes get about 1e-5.
 */
export function roundingScale(values: Iterable<{ readonly shape: readonly number[]; readonly data: ArrayLike<number> }>, batch: number): RunScale {
  let largest = 0;
  let row = batch;
  for (const v of values) {
    if (v.shape.length > 1 && v.shape[0] === batch) row = Math.max(row, v.data.length / batch);
    for (let i = 0; i < v.data.length; i++) { const a = Math.abs(v.data[i]); if (a > largest) largest = a; }
  }
  return { rounding: TOLERANCE.unitRoundoff * row * largest, largest };
}

export interface RunScale {
  /** The absolute rounding error a float32 run of these values may carry. */
  readonly rounding: number;
  /** The largest |value| (Infinity where the float64 run overflowed too). */
  readonly largest: number;
}

/** float32's largest finite value: a run that computes more cannot be compared (float32 overflows). */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Tolerance of a loss or output `want` in a run of rounding scale `rounding` (softmax at most doubles a logit's error). */
export function valueTolerance(want: number, tol: { readonly rtol: number; readonly atol: number }, rounding: number): number {
  return tol.atol + tol.rtol * Math.abs(want) + 2 * rounding;
}

/**
 * Per-element tolerance of one param's gradient `g` (the reference's), in a run of rounding
 * scale `rounding`: an error of the logits of that size is a relative error of the
 * probabilities, which the backward pass carries into every gradient at its own scale.
 */
export function gradientTolerance(g: ArrayLike<number>, rounding = 0): Float64Array {
  const { rtol, scaled, atol } = TOLERANCE.gradient;
  let max = 0;
  for (let i = 0; i < g.length; i++) max = Math.max(max, Math.abs(g[i]));
  return Float64Array.from({ length: g.length }, (_, i) => rtol * Math.abs(g[i]) + (scaled + rounding) * max + atol);
}

interface Stepped { readonly params: Float32Array[]; readonly slots: Map<string, Float32Array[]> }

/** One update from `before` with gradients `grads`, then the constraints, on copies. */
function step(opt: OptimizerSpec, before: TrainingState, grads: readonly Float64Array[], constraints: readonly (ConstraintSpec | null)[], constrain: boolean): Stepped {
  const params = before.params.map((p) => p.data.slice());
  const slots = new Map(slotNames(opt).map((s) => [s, before.params.map((p) => {
    const t = before.slots.find((x) => x.name === `${opt.kind}.${s}:${p.name}`);
    return t ? t.data.slice() : new Float32Array(p.data.length);
  })]));
  applyUpdate(opt, params, [...grads], slots, before.step + 1);
  if (constrain) constraints.forEach((c, k) => { if (c) applyConstraint(c, params[k], before.params[k].shape); });
  return { params, slots };
}

const SHIFTS = [-1, -0.5, 0.5, 1];

/** Largest |moved - mid| per element over the shifted runs. */
function spread(runs: readonly Float32Array[], mid: Float32Array): Float64Array {
  const out = new Float64Array(mid.length);
  for (const r of runs) for (let i = 0; i < mid.length; i++) out[i] = Math.max(out[i], Math.abs(r[i] - mid[i]));
  return out;
}

/** Where a norm constraint's scale, as a function of the group norm, changes direction. */
function kinks(c: NormConstraint): number[] {
  return c.kind === 'maxNorm' ? [c.maxValue] : [c.minValue, c.maxValue];
}

/**
 * A norm constraint multiplies each group of elements by a factor of the group's norm, so an
 * error in one element also moves the others. With the group norm n (the reference's) and
 * the norm r of its elements' tolerances, the backend's norm lies in [n - r, n + r], where
 * the factor s ranges over [smin, smax] (it is monotone between its kinks); an element p
 * with tolerance t may then be off by max(smax - s, s - smin) * |p| + smax * t. A group whose
 * norm is within its tolerance of 0 has no direction: minMaxNorm's factor there is huge, and
 * so is the tolerance.
 */
function throughConstraint(c: ConstraintSpec | null, tol: Float64Array, pre: Float32Array, shape: readonly number[]): Float64Array {
  if (c === null || c.kind === 'nonNeg') return tol; // clipping at 0 moves no value further
  const norms = groupNorms(pre, shape, c.axis);
  const radii = groupNorms(tol, shape, c.axis);
  return tol.map((t, i) => {
    const lo = Math.max(0, norms[i] - radii[i]);
    const hi = norms[i] + radii[i];
    const scales = [lo, hi, ...kinks(c).filter((k) => k > lo && k < hi)].map((n) => normScale(c, n));
    const s = normScale(c, norms[i]);
    const smax = Math.max(...scales);
    return Math.max(smax - s, s - Math.min(...scales)) * Math.abs(pre[i]) + smax * t;
  });
}

/**
 * Tolerances of every param and slot after one step from `before`, given the reference's
 * gradients `grads` and their tolerances `gradTol`: by param name, and by slot name as
 * getState names them (`adam.m:dense_1.kernel`).
 */
export function stepTolerance(
  opt: OptimizerSpec, before: TrainingState, grads: readonly Float64Array[], gradTol: readonly Float64Array[], constraints: readonly (ConstraintSpec | null)[],
): ReadonlyMap<string, Float64Array> {
  const mid = step(opt, before, grads, constraints, false);
  const midConstrained = step(opt, before, grads, constraints, true);
  const shifted = SHIFTS.map((f) => step(opt, before, grads.map((g, k) => g.map((v, i) => v + f * gradTol[k][i])), constraints, false));
  const tolerances = new Map<string, Float64Array>();
  const rounding = (values: Float32Array, t: Float64Array): Float64Array => t.map((x, i) => x + TOLERANCE.rounding * Math.abs(values[i]) + 1e-12);
  before.params.forEach((p: NamedTensor, k) => {
    // The update rounds w - step (the weight's own rounding), before any constraint scales it.
    const pre = spread(shifted.map((s) => s.params[k]), mid.params[k]).map((x, i) => x + TOLERANCE.rounding * Math.abs(p.data[i]));
    tolerances.set(p.name, rounding(midConstrained.params[k], throughConstraint(constraints[k], pre, mid.params[k], p.shape)));
    for (const [s, arrays] of mid.slots) {
      const name = `${opt.kind}.${s}:${p.name}`;
      // A slot is decay * old + term: when the two nearly cancel (a clipped gradient does not
      // move with the shifts), the rounding of the terms, not of the result, is what is left.
      const old = before.slots.find((x) => x.name === name)?.data;
      const moved = spread(shifted.map((x) => (x.slots.get(s) as Float32Array[])[k]), arrays[k]).map((x, i) => x + 2 * TOLERANCE.rounding * Math.abs(old?.[i] ?? 0));
      tolerances.set(name, rounding(arrays[k], moved));
    }
  });
  return tolerances;
}

/**
 * The gradient a backend used in its step, read back from its state before and after, or
 * null where the state does not determine it (plain SGD on a constrained weight). Also the
 * rounding that reading back adds, per element.
 */
export function gradientFromStep(opt: OptimizerSpec, name: string, before: TrainingState, after: TrainingState, constrained: boolean): { g: Float64Array; slack: Float64Array } | null {
  const find = (s: TrainingState, n: string): Float32Array | undefined => [...s.params, ...s.slots].find((t) => t.name === n)?.data;
  const r = TOLERANCE.rounding;
  // A clipped gradient is not the reference's: the weights and slots are still compared.
  if (clippingOf(opt).kind !== 'none') return null;
  /** g from a moving average: a1 = decay a0 + (1 - decay) g. */
  const fromAverage = (slot: string, decay: number): { g: Float64Array; slack: Float64Array } | null => {
    const a0 = find(before, slot), a1 = find(after, slot);
    if (!a0 || !a1) return null;
    const k = 1 - decay;
    return { g: Float64Array.from(a1, (a, i) => (a - decay * a0[i]) / k), slack: Float64Array.from(a1, (a, i) => r * (Math.abs(a) + decay * Math.abs(a0[i])) / k) };
  };
  if (opt.kind === 'adam' || opt.kind === 'adamw') return fromAverage(`${opt.kind}.m:${name}`, opt.beta1);
  if (opt.kind === 'rmsprop') return opt.centered ? fromAverage(`rmsprop.averageGradient:${name}`, opt.rho) : null;
  const slot = opt.momentum > 0 ? `sgd.momentum:${name}` : name;
  if (opt.momentum === 0 && constrained) return null;
  const v0 = find(before, slot), v1 = find(after, slot);
  if (!v0 || !v1) return null;
  const mu = opt.momentum > 0 ? opt.momentum : 1;
  const lr = learningRateAt(opt.learningRate, before.step);
  // A zero rate (a warm-up's first step) moves nothing: the step does not reveal the gradient.
  if (lr === 0) return null;
  return { g: Float64Array.from(v1, (v, i) => (mu * v0[i] - v) / lr), slack: Float64Array.from(v1, (v, i) => r * (Math.abs(v) + mu * Math.abs(v0[i])) / lr) };
}
