// Optimizers with Keras's defaults.

import type { OptimizerSpec } from './spec';
import { optional, readOptions, required } from './options';
import { bool, fail, numberIn, type Ctx, type Parser } from './validate';

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface SgdOptions {
  learningRate?: number;
  momentum?: number;
  nesterov?: boolean;
}

const positive = numberIn(0, Infinity, { lo: true, hi: true });
const decay = numberIn(0, 1, { hi: true });

function readAdam(raw: unknown, ctx: Ctx, keys: readonly string[]): OptimizerSpec {
  const o = readOptions(raw, ctx, keys);
  return {
    kind: 'adam',
    learningRate: optional(o, 'learningRate', positive, 1e-3),
    beta1: optional(o, 'beta1', decay, 0.9),
    beta2: optional(o, 'beta2', decay, 0.999),
    epsilon: optional(o, 'epsilon', positive, 1e-7),
  };
}

function readSgd(raw: unknown, ctx: Ctx, keys: readonly string[]): OptimizerSpec {
  const o = readOptions(raw, ctx, keys);
  return {
    kind: 'sgd',
    learningRate: optional(o, 'learningRate', positive, 0.01),
    momentum: optional(o, 'momentum', numberIn(0, 1), 0),
    nesterov: optional(o, 'nesterov', bool, false),
  };
}

const ADAM_KEYS = ['learningRate', 'beta1', 'beta2', 'epsilon'];
const SGD_KEYS = ['learningRate', 'momentum', 'nesterov'];

export function adam(options: AdamOptions = {}): OptimizerSpec {
  return readAdam(options, { fn: 'adam', path: [] }, ADAM_KEYS);
}

export function sgd(options: SgdOptions = {}): OptimizerSpec {
  return readSgd(options, { fn: 'sgd', path: [] }, SGD_KEYS);
}

/** The model's optimizer option: a spec object as adam() or sgd() return. */
export const optimizer: Parser<OptimizerSpec> = (value, ctx) => {
  const o = readOptions(value, ctx, ['kind', ...ADAM_KEYS, ...SGD_KEYS]);
  const kind = required(o, 'kind', (k, c) => (k === 'adam' || k === 'sgd' ? k : fail(c, "'adam' or 'sgd' (use adam() or sgd())", k)));
  return kind === 'adam' ? readAdam(value, ctx, ['kind', ...ADAM_KEYS]) : readSgd(value, ctx, ['kind', ...SGD_KEYS]);
};
