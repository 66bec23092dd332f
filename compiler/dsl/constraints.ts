// Weight constraints, applied after each optimizer step, with Keras's defaults.
// `axis` is normalised to a sorted list of axes of the weight.

import type { ConstraintSpec } from './spec';
import { optional, readOptions, required } from './options';
import { axisList, fail, failWith, nonNegativeInt, numberIn, type Ctx, type Parser } from './validate';

const norm = numberIn(0, Infinity);
const rate = numberIn(0, 1);
const axes = axisList(nonNegativeInt);

export interface MaxNormOptions {
  maxValue?: number;
  axis?: number | readonly number[];
}

export interface MinMaxNormOptions {
  minValue?: number;
  maxValue?: number;
  rate?: number;
  axis?: number | readonly number[];
}

export function nonNeg(): ConstraintSpec {
  return { kind: 'nonNeg' };
}

export function maxNorm(options: MaxNormOptions = {}): ConstraintSpec {
  return readMaxNorm(options, { fn: 'maxNorm', path: [] }, false);
}

export function minMaxNorm(options: MinMaxNormOptions = {}): ConstraintSpec {
  return readMinMaxNorm(options, { fn: 'minMaxNorm', path: [] }, false);
}

function readMaxNorm(raw: unknown, ctx: Ctx, withKind: boolean): ConstraintSpec {
  const o = readOptions(raw, ctx, withKind ? ['kind', 'maxValue', 'axis'] : ['maxValue', 'axis']);
  return { kind: 'maxNorm', maxValue: optional(o, 'maxValue', norm, 2), axis: optional(o, 'axis', axes, [0]) };
}

function readMinMaxNorm(raw: unknown, ctx: Ctx, withKind: boolean): ConstraintSpec {
  const keys = ['minValue', 'maxValue', 'rate', 'axis'];
  const o = readOptions(raw, ctx, withKind ? ['kind', ...keys] : keys);
  const minValue = optional(o, 'minValue', norm, 0);
  const maxValue = optional(o, 'maxValue', norm, 1);
  if (maxValue < minValue) failWith({ fn: ctx.fn, path: [...ctx.path, 'maxValue'] }, `(${maxValue}) must not be below minValue (${minValue})`);
  return { kind: 'minMaxNorm', minValue, maxValue, rate: optional(o, 'rate', rate, 1), axis: optional(o, 'axis', axes, [0]) };
}

const KINDS = ['nonNeg', 'maxNorm', 'minMaxNorm'] as const;

/** A constraint option: null (none) or a spec object as the functions above return. */
export const constraint: Parser<ConstraintSpec | null> = (value, ctx) => {
  if (value === null) return null;
  const kindOf = readOptions(value, ctx, ['kind', 'maxValue', 'minValue', 'rate', 'axis']);
  const kind = required(kindOf, 'kind', (k, c) => ((KINDS as readonly unknown[]).includes(k) ? (k as (typeof KINDS)[number]) : fail(c, 'a constraint kind', k)));
  if (kind === 'maxNorm') return readMaxNorm(value, ctx, true);
  if (kind === 'minMaxNorm') return readMinMaxNorm(value, ctx, true);
  readOptions(value, ctx, ['kind']);
  return { kind };
};
