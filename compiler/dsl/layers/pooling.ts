// maxPool2d and avgPool2d, as Keras's MaxPooling2D / AveragePooling2D: strides default to the pool size.

import type { Padding, Pool2dSpec } from '../spec';
import { optional, readOptions } from '../options';
import { intPair, layerName, oneOf, type Ctx } from '../validate';
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
