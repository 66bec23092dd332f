// dropout and flatten: layers without weights that do not compute an activation.

import type { DropoutSpec, FlattenSpec } from '../spec';
import { optional, readOptions, required } from '../options';
import { layerName, numberIn, type Ctx } from '../validate';
import type { NameOptions } from './activations';

export interface DropoutOptions {
  /** Fraction of the inputs to drop while training, in [0, 1). */
  rate: number;
  name?: string | null;
}

export function dropoutAt(raw: unknown, ctx: Ctx): DropoutSpec {
  const o = readOptions(raw, ctx, ['rate', 'name']);
  return { type: 'dropout', rate: required(o, 'rate', numberIn(0, 1, { hi: true })), name: optional(o, 'name', layerName, null) };
}

export function flattenAt(raw: unknown, ctx: Ctx): FlattenSpec {
  const o = readOptions(raw, ctx, ['name']);
  return { type: 'flatten', name: optional(o, 'name', layerName, null) };
}

export function dropout(options: DropoutOptions): DropoutSpec {
  return dropoutAt(options, { fn: 'dropout', path: [] });
}

export function flatten(options: NameOptions = {}): FlattenSpec {
  return flattenAt(options, { fn: 'flatten', path: [] });
}
