// Weight regularizers: l1, l2 and l1l2 all become one {kind: 'l1l2', l1, l2} penalty,
// l1 * sum(|w|) + l2 * sum(w^2), with Keras's default factor 0.01.

import type { RegularizerSpec } from './spec';
import { optional, readOptions, required } from './options';
import { fail, numberIn, type Parser } from './validate';

const factor = numberIn(0, Infinity);
const DEFAULT_FACTOR = 0.01;

export interface L1L2Options {
  l1?: number;
  l2?: number;
}

export function l1(x: number = DEFAULT_FACTOR): RegularizerSpec {
  return { kind: 'l1l2', l1: factor(x, { fn: 'l1', path: [], label: 'the factor' }), l2: 0 };
}

export function l2(x: number = DEFAULT_FACTOR): RegularizerSpec {
  return { kind: 'l1l2', l1: 0, l2: factor(x, { fn: 'l2', path: [], label: 'the factor' }) };
}

export function l1l2(options: L1L2Options = {}): RegularizerSpec {
  const o = readOptions(options, { fn: 'l1l2', path: [] }, ['l1', 'l2']);
  return { kind: 'l1l2', l1: optional(o, 'l1', factor, DEFAULT_FACTOR), l2: optional(o, 'l2', factor, DEFAULT_FACTOR) };
}

/** A regularizer option: null (none) or a spec object as the functions above return. */
export const regularizer: Parser<RegularizerSpec | null> = (value, ctx) => {
  if (value === null) return null;
  const o = readOptions(value, ctx, ['kind', 'l1', 'l2']);
  required(o, 'kind', (k, c) => (k === 'l1l2' ? k : fail(c, "'l1l2' (use l1(), l2() or l1l2())", k)));
  return { kind: 'l1l2', l1: required(o, 'l1', factor), l2: required(o, 'l2', factor) };
};
