// batchNormalization lowered to existing ops (reductions and broadcast arithmetic), so its
// gradient through the batch statistics comes from their rules and every backend runs it.
// The moving statistics are state params (not trainable): the training graph computes their
// new values as outputs `state:<name>`, which the runtime writes back after each step.

import type { BatchNormalizationSpec } from '../dsl/spec';
import { stateOutput } from '../../format/manifest';
import { addParam, type LayerContext } from './layers';

function stateParam(ctx: LayerContext, role: string, channels: number, init: BatchNormalizationSpec['movingMeanInitializer']): number {
  return ctx.b.param(`${ctx.name}.${role}`, { shape: [channels], dtype: 'f32' }, { init: { ...init }, trainable: false });
}

function scalar(ctx: LayerContext, value: number): number {
  return ctx.b.emit('constant', [], { value, shape: [] });
}

/** The last axis's size, after checking that `axis` names it (nnc normalises channels-last only). */
function channelsOf(ctx: LayerContext, x: number, axis: number): number {
  const shape = ctx.b.type(x).shape;
  const last = shape.length - 1;
  if (last < 1) throw new Error(`batchNormalization needs an input with a channels axis, got [${shape}]`);
  if (axis !== -1 && axis !== last) {
    throw new Error(`batchNormalization normalises the last (channels) axis only: axis ${axis} of input [${shape}] is not it (use -1 or ${last})`);
  }
  const c = shape[last];
  if (c === 'N') throw new Error('batchNormalization: the channels axis cannot be the batch axis');
  return c;
}

/** y = (x - mean) * gamma / sqrt(variance + epsilon) + beta, per channel. */
export function lowerBatchNormalization(ctx: LayerContext, x: number, l: BatchNormalizationSpec): number {
  const { b } = ctx;
  const channels = channelsOf(ctx, x, l.axis);
  const gamma = l.scale ? addParam(ctx, 'gamma', [channels], { init: l.gammaInitializer, regularizer: l.gammaRegularizer, constraint: l.gammaConstraint }) : null;
  const beta = l.center ? addParam(ctx, 'beta', [channels], { init: l.betaInitializer, regularizer: l.betaRegularizer, constraint: l.betaConstraint }) : null;
  const movingMean = stateParam(ctx, 'moving_mean', channels, l.movingMeanInitializer);
  const movingVariance = stateParam(ctx, 'moving_variance', channels, l.movingVarianceInitializer);
  /** gamma / sqrt(variance + epsilon): one value per channel. */
  const scaleOf = (variance: number): number =>
    b.emit('div', [gamma ?? scalar(ctx, 1), b.emit('sqrt', [b.emit('add', [variance, scalar(ctx, l.epsilon)])])]);
  if (ctx.mode === 'infer') {
    // Per-channel scale and shift from the weights (a small kernel), then x * scale + shift:
    // broadcast ops a preceding conv2d or dense takes into its epilogue.
    const scale = scaleOf(movingVariance);
    const meanScaled = b.emit('mul', [movingMean, scale]);
    const shift = beta === null ? b.emit('neg', [meanScaled]) : b.emit('sub', [beta, meanScaled]);
    return b.emit('add', [b.emit('mul', [x, scale]), shift]);
  }
  const axes = Array.from({ length: b.type(x).shape.length - 1 }, (_, k) => k);
  const mean = b.emit('reduceMean', [x], { axes });
  const centered = b.emit('sub', [x, mean]);
  // The biased variance (divided by the count), which Keras both normalises with and averages
  // (keras/src/layers/normalization/batch_normalization.py, call(): ops.moments; no Bessel
  // correction, unlike PyTorch's running_var).
  const variance = b.emit('reduceMean', [b.emit('square', [centered])], { axes });
  const y = b.emit('mul', [centered, scaleOf(variance)]);
  const keep = scalar(ctx, l.momentum);
  const take = scalar(ctx, 1 - l.momentum);
  const average = (moving: number, batch: number): number => b.emit('add', [b.emit('mul', [moving, keep]), b.emit('mul', [batch, take])]);
  b.output(stateOutput(`${ctx.name}.moving_mean`), average(movingMean, mean));
  b.output(stateOutput(`${ctx.name}.moving_variance`), average(movingVariance, variance));
  return beta === null ? y : b.emit('add', [y, beta]);
}
