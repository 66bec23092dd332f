// batchNormalization: Keras' BatchNormalization (same options, defaults and weight names).

import type { BatchNormalizationSpec, ConstraintSpec, InitializerSpec, RegularizerSpec } from '../spec';
import { constraint } from '../constraints';
import { initializer, type InitializerName } from '../initializers';
import { optional, readOptions } from '../options';
import { regularizer } from '../regularizers';
import { bool, fail, layerName, numberIn, type Ctx, type Parser } from '../validate';

export interface BatchNormalizationOptions {
  /** The channels axis; nnc normalises the last axis only (-1, Keras' default for channels-last). */
  axis?: number;
  /** Weight of the old moving statistics in each update, in [0, 1]. */
  momentum?: number;
  /** Added to the variance before its square root, > 0. */
  epsilon?: number;
  /** Add the learned offset beta. */
  center?: boolean;
  /** Multiply by the learned scale gamma. */
  scale?: boolean;
  betaInitializer?: InitializerSpec | InitializerName;
  gammaInitializer?: InitializerSpec | InitializerName;
  movingMeanInitializer?: InitializerSpec | InitializerName;
  movingVarianceInitializer?: InitializerSpec | InitializerName;
  betaRegularizer?: RegularizerSpec | null;
  gammaRegularizer?: RegularizerSpec | null;
  betaConstraint?: ConstraintSpec | null;
  gammaConstraint?: ConstraintSpec | null;
  name?: string | null;
}

const KEYS = [
  'axis', 'momentum', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer',
  'movingVarianceInitializer', 'betaRegularizer', 'gammaRegularizer', 'betaConstraint', 'gammaConstraint', 'name',
] as const;

/** An axis as Keras counts it with the batch axis: -1 (last) or 1, 2, ... (the batch axis 0 cannot be normalised per channel). */
const channelAxis: Parser<number> = (v, ctx) =>
  (typeof v === 'number' && Number.isInteger(v) && (v === -1 || v >= 1) ? v : fail(ctx, '-1 (the last axis) or a positive whole axis number', v));

export function batchNormalizationAt(raw: unknown, ctx: Ctx): BatchNormalizationSpec {
  const o = readOptions(raw, ctx, KEYS);
  return {
    type: 'batchNormalization',
    axis: optional(o, 'axis', channelAxis, -1),
    momentum: optional(o, 'momentum', numberIn(0, 1), 0.99),
    epsilon: optional(o, 'epsilon', numberIn(0, Infinity, { lo: true }), 1e-3),
    center: optional(o, 'center', bool, true),
    scale: optional(o, 'scale', bool, true),
    betaInitializer: optional(o, 'betaInitializer', initializer, { kind: 'zeros' }),
    gammaInitializer: optional(o, 'gammaInitializer', initializer, { kind: 'ones' }),
    movingMeanInitializer: optional(o, 'movingMeanInitializer', initializer, { kind: 'zeros' }),
    movingVarianceInitializer: optional(o, 'movingVarianceInitializer', initializer, { kind: 'ones' }),
    betaRegularizer: optional(o, 'betaRegularizer', regularizer, null),
    gammaRegularizer: optional(o, 'gammaRegularizer', regularizer, null),
    betaConstraint: optional(o, 'betaConstraint', constraint, null),
    gammaConstraint: optional(o, 'gammaConstraint', constraint, null),
    name: optional(o, 'name', layerName, null),
  };
}

/**
 * Normalises each channel (the last axis) with the batch's mean and variance while training
 * and with the moving statistics (updated each step with `momentum`) in inference, as Keras.
 */
export function batchNormalization(options: BatchNormalizationOptions = {}): BatchNormalizationSpec {
  return batchNormalizationAt(options, { fn: 'batchNormalization', path: [] });
}
