// Learning-rate schedules with Keras 3's names, options and defaults. An optimizer takes one
// as its learningRate; the runtime evaluates it at the 0-based number of updates done
// (runtime/params/schedule.ts), so every backend steps with the same rate.

import type { LearningRateSpec, ScheduleSpec } from './spec';
import { optional, readOptions, required } from './options';
import { at, bool, fail, failWith, nonNegativeInt, numberIn, positiveInt, type Ctx, type Parser } from './validate';

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}

export interface PiecewiseConstantDecayOptions {
  /** Step counts, strictly increasing: values[i] applies up to and including boundaries[i]. */
  boundaries: readonly number[];
  values: readonly number[];
}

export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  alpha?: number;
  /** The rate reached after warmupSteps (linear warm-up from initialLearningRate); none when absent. */
  warmupTarget?: number;
  warmupSteps?: number;
}

const positive = numberIn(0, Infinity, { lo: true, hi: true });
const nonNegative = numberIn(0, Infinity, { hi: true });

const EXPONENTIAL_KEYS = ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase'];
const PIECEWISE_KEYS = ['boundaries', 'values'];
const COSINE_KEYS = ['initialLearningRate', 'decaySteps', 'alpha', 'warmupTarget', 'warmupSteps'];

function readExponential(raw: unknown, ctx: Ctx, keys: readonly string[]): ScheduleSpec {
  const o = readOptions(raw, ctx, keys);
  return {
    kind: 'exponentialDecay',
    initialLearningRate: required(o, 'initialLearningRate', positive),
    decaySteps: required(o, 'decaySteps', positive),
    decayRate: required(o, 'decayRate', positive),
    staircase: optional(o, 'staircase', bool, false),
  };
}

const increasingSteps: Parser<readonly number[]> = (v, ctx) => {
  if (!Array.isArray(v) || v.length === 0) return fail(ctx, 'a non-empty array of step counts', v);
  const steps = v.map((b: unknown, i) => nonNegativeInt(b, at(ctx, i)));
  steps.forEach((b, i) => { if (i > 0 && b <= steps[i - 1]) failWith(at(ctx, i), `must be greater than the boundary before it (${steps[i - 1]}), got ${b}`); });
  return steps;
};

function readPiecewise(raw: unknown, ctx: Ctx, keys: readonly string[]): ScheduleSpec {
  const o = readOptions(raw, ctx, keys);
  const boundaries = required(o, 'boundaries', increasingSteps);
  const values = required(o, 'values', (v, c) => {
    if (!Array.isArray(v) || v.length !== boundaries.length + 1) return fail(c, `an array of ${boundaries.length + 1} learning rates (one more than the boundaries)`, v);
    return v.map((x: unknown, i) => positive(x, at(c, i)));
  });
  return { kind: 'piecewiseConstantDecay', boundaries, values };
}

function readCosine(raw: unknown, ctx: Ctx, keys: readonly string[]): ScheduleSpec {
  const o = readOptions(raw, ctx, keys);
  const spec = {
    kind: 'cosineDecay' as const,
    initialLearningRate: required(o, 'initialLearningRate', nonNegative),
    decaySteps: required(o, 'decaySteps', positiveInt),
    alpha: optional(o, 'alpha', numberIn(0, 1), 0),
    // null: a spec read back (cosineDecay() normalises an absent warm-up to null).
    warmupTarget: optional<number | null>(o, 'warmupTarget', (v, c) => (v === null ? null : positive(v, c)), null),
    warmupSteps: optional(o, 'warmupSteps', nonNegativeInt, 0),
  };
  if (spec.warmupSteps > 0 && spec.warmupTarget === null) failWith(at(ctx, 'warmupSteps'), 'needs warmupTarget, the rate the warm-up climbs to');
  if (spec.warmupTarget === null && spec.initialLearningRate === 0) failWith(at(ctx, 'initialLearningRate'), 'must be above 0 without a warm-up');
  return spec;
}

/** initial * decayRate^(step / decaySteps), the exponent floored when `staircase`. */
export function exponentialDecay(options: ExponentialDecayOptions): ScheduleSpec {
  return readExponential(options, { fn: 'exponentialDecay', path: [] }, EXPONENTIAL_KEYS);
}

/** Step decay: values[0] up to boundaries[0] steps, values[1] up to boundaries[1], ..., then the last. */
export function piecewiseConstantDecay(options: PiecewiseConstantDecayOptions): ScheduleSpec {
  return readPiecewise(options, { fn: 'piecewiseConstantDecay', path: [] }, PIECEWISE_KEYS);
}

/** Cosine decay over decaySteps to alpha * the peak, after an optional linear warm-up to warmupTarget. */
export function cosineDecay(options: CosineDecayOptions): ScheduleSpec {
  return readCosine(options, { fn: 'cosineDecay', path: [] }, COSINE_KEYS);
}

const READERS: Record<ScheduleSpec['kind'], { keys: readonly string[]; read: typeof readCosine }> = {
  exponentialDecay: { keys: EXPONENTIAL_KEYS, read: readExponential },
  piecewiseConstantDecay: { keys: PIECEWISE_KEYS, read: readPiecewise },
  cosineDecay: { keys: COSINE_KEYS, read: readCosine },
};

/** An optimizer's learningRate: a positive number, or a schedule spec as the functions above return. */
export const learningRate: Parser<LearningRateSpec> = (value, ctx) => {
  if (typeof value === 'number') return positive(value, ctx);
  if (typeof value !== 'object' || value === null) return fail(ctx, 'a positive number or a schedule (exponentialDecay(), piecewiseConstantDecay(), cosineDecay())', value);
  const kind = (value as { kind?: unknown }).kind;
  const reader = typeof kind === 'string' && Object.prototype.hasOwnProperty.call(READERS, kind) ? READERS[kind as ScheduleSpec['kind']] : null;
  if (reader === null) return fail(ctx, 'a positive number or a schedule (exponentialDecay(), piecewiseConstantDecay(), cosineDecay())', value);
  return reader.read(value, ctx, ['kind', ...reader.keys]);
};
