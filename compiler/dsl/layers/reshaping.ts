// dropout, flatten and reshape: layers without weights that do not compute an activation.

import type { DropoutSpec, FlattenSpec, ReshapeSpec } from '../spec';
import { optional, readOptions, required } from '../options';
import { at, fail, failWith, layerName, numberIn, type Ctx, type Parser } from '../validate';
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

export interface ReshapeOptions {
  /** The output shape without the batch axis, as Keras' target_shape; one entry may be -1 (inferred from the size). */
  targetShape: readonly number[];
  name?: string | null;
}

/** A non-empty list of positive integers, at most one of them -1. */
const targetShapeOf: Parser<readonly number[]> = (v, ctx) => {
  const expected = 'a non-empty array of positive integers (one may be -1)';
  if (!Array.isArray(v) || v.length === 0) return fail(ctx, expected, v);
  const dims = v.map((d: unknown, i) => {
    const ok = typeof d === 'number' && Number.isSafeInteger(d) && (d > 0 || d === -1);
    return ok ? d : fail(at(ctx, i), 'a positive integer or -1', d);
  });
  const unknown = dims.flatMap((d, i) => (d === -1 ? [i] : []));
  if (unknown.length > 1) failWith(at(ctx, unknown[1]), 'is a second -1: only one dimension can be inferred');
  return dims;
};

export function reshapeAt(raw: unknown, ctx: Ctx): ReshapeSpec {
  const o = readOptions(raw, ctx, ['targetShape', 'name']);
  return { type: 'reshape', targetShape: required(o, 'targetShape', targetShapeOf), name: optional(o, 'name', layerName, null) };
}

/** Reshapes each example (row-major, as Keras' Reshape): reshape({ targetShape: [7, 7, 16] }). */
export function reshape(options: ReshapeOptions): ReshapeSpec {
  return reshapeAt(options, { fn: 'reshape', path: [] });
}
