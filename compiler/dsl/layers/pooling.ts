// maxPool2d and avgPool2d, as Keras's MaxPooling2D / AveragePooling2D: strides default to the pool size;
// globalAveragePooling2d and globalMaxPooling2d, as Keras's GlobalAveragePooling2D / GlobalMaxPooling2D.

import type { GlobalPool2dSpec, Padding, Pool2dSpec } from '../spec';
import { optional, readOptions } from '../options';
import { bool, intPair, layerName, oneOf, type Ctx } from '../validate';
import { PADDINGS } from './weighted';

export interface Pool2dOptions {
  poolSize?: number | readonly [number, number];
  strides?: number | readonly [number, number];
  padding?: Padding;
  name?: string | null;
}

export function pool2dAt(type: Pool2dSpec['type']): (raw: unknown, ctx: Ctx) => Pool2dSpec {
  return (raw, ctx) => {
    const o = readOptions(raw, ctx, ['poolSize', 'strides', 'padding', 'name']);
    const poolSize = optional(o, 'poolSize', intPair, [2, 2]);
    return {
      type,
      poolSize,
      strides: optional(o, 'strides', intPair, poolSize),
      padding: optional(o, 'padding', oneOf(PADDINGS), 'valid'),
      name: optional(o, 'name', layerName, null),
    };
  };
}

const maxPool2dAt = pool2dAt('maxPool2d');
const avgPool2dAt = pool2dAt('avgPool2d');

export function maxPool2d(options: Pool2dOptions = {}): Pool2dSpec {
  return maxPool2dAt(options, { fn: 'maxPool2d', path: [] });
}

export function avgPool2d(options: Pool2dOptions = {}): Pool2dSpec {
  return avgPool2dAt(options, { fn: 'avgPool2d', path: [] });
}

export interface GlobalPool2dOptions {
  /** Keep H and W as axes of size 1 ([N,1,1,C]), as Keras' keepdims; default false ([N,C]). */
  keepDims?: boolean;
  name?: string | null;
}

export function globalPool2dAt(type: GlobalPool2dSpec['type']): (raw: unknown, ctx: Ctx) => GlobalPool2dSpec {
  return (raw, ctx) => {
    const o = readOptions(raw, ctx, ['keepDims', 'name']);
    return { type, keepDims: optional(o, 'keepDims', bool, false), name: optional(o, 'name', layerName, null) };
  };
}

const globalAveragePooling2dAt = globalPool2dAt('globalAveragePooling2d');
const globalMaxPooling2dAt = globalPool2dAt('globalMaxPooling2d');

/** The mean of each channel over the whole map: [N,H,W,C] -> [N,C]. */
export function globalAveragePooling2d(options: GlobalPool2dOptions = {}): GlobalPool2dSpec {
  return globalAveragePooling2dAt(options, { fn: 'globalAveragePooling2d', path: [] });
}

/** The maximum of each channel over the whole map: [N,H,W,C] -> [N,C]. */
export function globalMaxPooling2d(options: GlobalPool2dOptions = {}): GlobalPool2dSpec {
  return globalMaxPooling2dAt(options, { fn: 'globalMaxPooling2d', path: [] });
}
