// Optimizers with Keras 3's defaults. Each also takes Keras' gradient clipping (clipnorm per
// variable, clipvalue, globalClipnorm; at most one), and a learning-rate schedule in place of
// a number (schedules.ts).

import type { ClippingSpec, LearningRateSpec, OptimizerSpec } from './spec';
import { optional, readOptions, required, type Options } from './options';
import { learningRate } from './schedules';
import { at, bool, fail, failWith, numberIn, type Ctx, type Parser } from './validate';

export interface ClippingOptions {
  /** Each gradient is scaled down to this L2 norm when above it. */
  clipnorm?: number;
  /** Each gradient element is clipped to [-clipvalue, clipvalue]. */
  clipvalue?: number;
  /** All gradients are scaled down together to this global L2 norm when above it. */
  globalClipnorm?: number;
}

export interface AdamOptions extends ClippingOptions {
  learningRate?: LearningRateSpec;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface SgdOptions extends ClippingOptions {
  learningRate?: LearningRateSpec;
  momentum?: number;
  nesterov?: boolean;
}

export interface RmspropOptions extends ClippingOptions {
  learningRate?: LearningRateSpec;
  /** Discount of the moving average of squared gradients (TF.js calls it `decay`). */
  rho?: number;
  decay?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

export interface AdamwOptions extends ClippingOptions {
  learningRate?: LearningRateSpec;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

const positive = numberIn(0, Infinity, { lo: true, hi: true });
const decay = numberIn(0, 1, { hi: true });
const CLIP_KEYS = ['clipnorm', 'clipvalue', 'globalClipnorm'] as const;

/** The clipping options given (Keras allows only one), as keys present only when set. */
function readClipping(o: Options): ClippingSpec {
  const given = CLIP_KEYS.filter((k) => o.values[k] !== undefined);
  if (given.length > 1) failWith(at(o.ctx, given[1]), `cannot be combined with '${given[0]}' (Keras allows one of clipnorm, clipvalue, globalClipnorm)`);
  return Object.fromEntries(given.map((k) => [k, required(o, k, positive)]));
}

const lr = (o: Options, fallback: number): LearningRateSpec => optional(o, 'learningRate', learningRate, fallback);

function readAdam(raw: unknown, ctx: Ctx, keys: readonly string[]): OptimizerSpec {
  const o = readOptions(raw, ctx, keys);
  return {
    kind: 'adam',
    learningRate: lr(o, 1e-3),
    beta1: optional(o, 'beta1', decay, 0.9),
    beta2: optional(o, 'beta2', decay, 0.999),
    epsilon: optional(o, 'epsilon', positive, 1e-7),
    ...readClipping(o),
  };
}

function readSgd(raw: unknown, ctx: Ctx, keys: readonly string[]): OptimizerSpec {
  const o = readOptions(raw, ctx, keys);
  return {
    kind: 'sgd',
    learningRate: lr(o, 0.01),
    momentum: optional(o, 'momentum', numberIn(0, 1), 0),
    nesterov: optional(o, 'nesterov', bool, false),
    ...readClipping(o),
  };
}

function readRmsprop(raw: unknown, ctx: Ctx, keys: readonly string[]): OptimizerSpec {
  const o = readOptions(raw, ctx, keys);
  if (o.values.rho !== undefined && o.values.decay !== undefined) failWith(at(ctx, 'decay'), "is TF.js' name for rho: give one of them");
  return {
    kind: 'rmsprop',
    learningRate: lr(o, 1e-3),
    rho: optional(o, 'rho', decay, optional(o, 'decay', decay, 0.9)),
    momentum: optional(o, 'momentum', numberIn(0, 1, { hi: true }), 0),
    epsilon: optional(o, 'epsilon', positive, 1e-7),
    centered: optional(o, 'centered', bool, false),
    ...readClipping(o),
  };
}

function readAdamw(raw: unknown, ctx: Ctx, keys: readonly string[]): OptimizerSpec {
  const o = readOptions(raw, ctx, keys);
  return {
    kind: 'adamw',
    learningRate: lr(o, 1e-3),
    weightDecay: optional(o, 'weightDecay', numberIn(0, 1, { hi: true }), 0.004),
    beta1: optional(o, 'beta1', decay, 0.9),
    beta2: optional(o, 'beta2', decay, 0.999),
    epsilon: optional(o, 'epsilon', positive, 1e-7),
    ...readClipping(o),
  };
}

type Reader = (raw: unknown, ctx: Ctx, keys: readonly string[]) => OptimizerSpec;

const OPTIMIZERS: Record<OptimizerSpec['kind'], { keys: readonly string[]; read: Reader }> = {
  adam: { keys: ['learningRate', 'beta1', 'beta2', 'epsilon', ...CLIP_KEYS], read: readAdam },
  sgd: { keys: ['learningRate', 'momentum', 'nesterov', ...CLIP_KEYS], read: readSgd },
  rmsprop: { keys: ['learningRate', 'rho', 'decay', 'momentum', 'epsilon', 'centered', ...CLIP_KEYS], read: readRmsprop },
  adamw: { keys: ['learningRate', 'weightDecay', 'beta1', 'beta2', 'epsilon', ...CLIP_KEYS], read: readAdamw },
};

const call = (kind: OptimizerSpec['kind'], options: unknown): OptimizerSpec => OPTIMIZERS[kind].read(options, { fn: kind, path: [] }, OPTIMIZERS[kind].keys);

export function adam(options: AdamOptions = {}): OptimizerSpec {
  return call('adam', options);
}

export function sgd(options: SgdOptions = {}): OptimizerSpec {
  return call('sgd', options);
}

/** RMSprop (Keras 3): epsilon inside the square root, optional momentum and centring. */
export function rmsprop(options: RmspropOptions = {}): OptimizerSpec {
  return call('rmsprop', options);
}

/** Adam with decoupled weight decay (Keras 3's AdamW): w -= lr * weightDecay * w before each Adam step. */
export function adamw(options: AdamwOptions = {}): OptimizerSpec {
  return call('adamw', options);
}

const KIND_TEXT = "'adam', 'sgd', 'rmsprop' or 'adamw' (use adam(), sgd(), rmsprop() or adamw())";

/** The model's optimizer option: a spec object as adam(), sgd(), rmsprop() or adamw() return. */
export const optimizer: Parser<OptimizerSpec> = (value, ctx) => {
  const all = [...new Set(Object.values(OPTIMIZERS).flatMap((e) => e.keys))];
  const o = readOptions(value, ctx, ['kind', ...all]);
  const kind = required(o, 'kind', (k, c) => (typeof k === 'string' && Object.prototype.hasOwnProperty.call(OPTIMIZERS, k) ? k as OptimizerSpec['kind'] : fail(c, KIND_TEXT, k)));
  return OPTIMIZERS[kind].read(value, ctx, ['kind', ...OPTIMIZERS[kind].keys]);
};
