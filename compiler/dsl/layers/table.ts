// Every layer type and the reader that normalises its options. model() re-reads each layer
// through this table, so a hand-written layer object is validated like a DSL call's result.

import type { LayerSpec } from '../spec';
import { fail, type Ctx } from '../validate';
import { activationAt, eluAt, leakyReluAt, namedActivationAt, preluAt } from './activations';
import { globalPool2dAt, pool2dAt } from './pooling';
import { dropoutAt, flattenAt, reshapeAt } from './reshaping';
import { conv2dAt, denseAt } from './weighted';
import { batchNormalizationAt } from './normalization';

type LayerReader = (raw: unknown, ctx: Ctx) => LayerSpec;

const READERS: Readonly<Record<LayerSpec['type'], LayerReader>> = {
  conv2d: conv2dAt,
  dense: denseAt,
  prelu: preluAt,
  relu: activationAt('relu'),
  sigmoid: activationAt('sigmoid'),
  tanh: activationAt('tanh'),
  softmax: activationAt('softmax'),
  leakyRelu: leakyReluAt,
  elu: eluAt,
  maxPool2d: pool2dAt('maxPool2d'),
  avgPool2d: pool2dAt('avgPool2d'),
  dropout: dropoutAt,
  flatten: flattenAt,
  batchNormalization: batchNormalizationAt,
  globalAveragePooling2d: globalPool2dAt('globalAveragePooling2d'),
  globalMaxPooling2d: globalPool2dAt('globalMaxPooling2d'),
  reshape: reshapeAt,
  activation: namedActivationAt,
};

const TYPES = Object.keys(READERS);

function isLayerType(value: unknown): value is LayerSpec['type'] {
  return typeof value === 'string' && TYPES.includes(value);
}

/** Validates and normalises one layer object (as a layer function returns it). */
export function readLayer(raw: unknown, ctx: Ctx): LayerSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(ctx, 'a layer such as conv2d({...}) or dense({...})', raw);
  const { type, ...options } = raw as Record<string, unknown>;
  if (!isLayerType(type)) return fail({ fn: ctx.fn, path: [...ctx.path, 'type'] }, `a layer type (${TYPES.join(', ')})`, type);
  return READERS[type](options, ctx);
}
