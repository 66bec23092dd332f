// fast-check arbitraries for float64 tensors and the shapes and attributes ops take:
// shapes, broadcast-compatible shape pairs, values kept off kinks when asked, pooling
// inputs without ties, and conv/pool cases whose shapes fit. Everything is small on
// purpose: the reference interpreter and finite differences are slow.

import fc from 'fast-check';
import type { Tensor } from '../../compiler/ir/tensor';
import { tensor } from '../../compiler/ir/tensor';

export type PaddingMode = 'valid' | 'same';

export interface ShapeOptions {
  readonly minRank?: number;
  readonly maxRank?: number;
  readonly minDim?: number;
  readonly maxDim?: number;
}

export function shapeArb(opts: ShapeOptions = {}): fc.Arbitrary<number[]> {
  const dim = fc.integer({ min: opts.minDim ?? 1, max: opts.maxDim ?? 4 });
  return fc.array(dim, { minLength: opts.minRank ?? 0, maxLength: opts.maxRank ?? 3 });
}

/**
 * Two shapes that numpy-broadcast together: a common shape, then in each of the two some
 * dims set to 1 and some leading dims dropped.
 */
export function broadcastPairArb(opts: ShapeOptions = {}): fc.Arbitrary<[number[], number[]]> {
  return shapeArb(opts).chain((full) => {
    const view = fc.tuple(fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }), fc.integer({ min: 0, max: full.length }))
      .map(([ones, drop]) => full.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
    return fc.tuple(view, view);
  });
}

export interface ValueOptions {
  readonly min?: number;
  readonly max?: number;
  /** Keep |x| >= awayFromZero (off the kink of relu, prelu, abs, ...). */
  readonly awayFromZero?: number;
}

const finite = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

export function valueArb(opts: ValueOptions = {}): fc.Arbitrary<number> {
  const min = opts.min ?? -2;
  const max = opts.max ?? 2;
  const m = opts.awayFromZero ?? 0;
  if (m <= 0) return finite(min, max);
  const positive = max >= m ? [finite(Math.max(min, m), max)] : [];
  const negative = min <= -m ? [finite(min, Math.min(max, -m))] : [];
  const parts = [...positive, ...negative];
  if (parts.length === 0) throw new Error(`valueArb: no value in [${min}, ${max}] has |x| >= ${m}`);
  return fc.oneof(...parts);
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function tensorArb(shape: readonly number[], opts: ValueOptions = {}): fc.Arbitrary<Tensor> {
  const n = size(shape);
  return fc.array(valueArb(opts), { minLength: n, maxLength: n }).map((values) => tensor(shape, values));
}

/** A random shape, then a tensor of it. */
export function shapedTensorArb(shapes: fc.Arbitrary<number[]>, opts: ValueOptions = {}): fc.Arbitrary<Tensor> {
  return shapes.chain((shape) => tensorArb(shape, opts));
}

/**
 * Values on a grid offset from zero, k*step + offset with |k| <= steps: two tensors with
 * different offsets never tie (maximum, minimum), and |x| >= min(offset, step - offset).
 */
export function gridTensorArb(shape: readonly number[], step: number, offset: number, steps = 8): fc.Arbitrary<Tensor> {
  const n = size(shape);
  return fc.array(fc.integer({ min: -steps, max: steps }), { minLength: n, maxLength: n })
    .map((ks) => tensor(shape, ks.map((k) => k * step + offset)));
}

/** All values distinct, at least `spacing` apart: no ties in any pooling window. */
export function distinctTensorArb(shape: readonly number[], spacing = 0.01): fc.Arbitrary<Tensor> {
  const n = size(shape);
  return fc.uniqueArray(fc.integer({ min: -4 * n, max: 4 * n }), { minLength: n, maxLength: n })
    .map((ks) => tensor(shape, ks.map((k) => k * spacing)));
}

/** Rows (last axis) of non-negative values that sum to 1: one-hot or soft targets. */
export function distributionArb(rows: number, classes: number): fc.Arbitrary<Tensor> {
  const row = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: classes, maxLength: classes })
    .map((ws) => (ws.some((w) => w > 0) ? ws : ws.map((_, k) => (k === 0 ? 1 : 0))))
    .map((ws) => { const s = ws.reduce((a, b) => a + b, 0); return ws.map((w) => w / s); });
  return fc.array(row, { minLength: rows, maxLength: rows }).map((rs) => tensor([rows, classes], rs.flat()));
}

/** Integer class labels in [0, classes), as a float64 tensor (the i32 feed). */
export function labelsArb(rows: number, classes: number): fc.Arbitrary<Tensor> {
  return fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: rows, maxLength: rows }).map((ls) => tensor([rows], ls));
}

export interface WindowOptions {
  readonly maxBatch?: number;
  readonly maxSize?: number;
  readonly maxChannels?: number;
  readonly maxWindow?: number;
  readonly maxStride?: number;
}

const pairArb = (max: number): fc.Arbitrary<[number, number]> => fc.tuple(fc.integer({ min: 1, max }), fc.integer({ min: 1, max }));
const paddingArb: fc.Arbitrary<PaddingMode> = fc.constantFrom('valid', 'same');

/** An NHWC input shape on which a window of `window` fits with `padding`. */
function imageShapeArb(window: readonly [number, number], padding: PaddingMode, o: WindowOptions): fc.Arbitrary<[number, number, number, number]> {
  const minH = padding === 'valid' ? window[0] : 1;
  const minW = padding === 'valid' ? window[1] : 1;
  const extra = o.maxSize ?? 4;
  return fc.tuple(
    fc.integer({ min: 1, max: o.maxBatch ?? 2 }),
    fc.integer({ min: minH, max: minH + extra }),
    fc.integer({ min: minW, max: minW + extra }),
    fc.integer({ min: 1, max: o.maxChannels ?? 2 }),
  );
}

export interface ConvCase {
  readonly x: [number, number, number, number];
  readonly w: [number, number, number, number];
  readonly strides: [number, number];
  readonly padding: PaddingMode;
}

/** conv2d shapes and attributes that fit: x NHWC, w HWIO. */
export function convCaseArb(o: WindowOptions = {}): fc.Arbitrary<ConvCase> {
  return fc.tuple(pairArb(o.maxWindow ?? 3), pairArb(o.maxStride ?? 2), paddingArb, fc.integer({ min: 1, max: o.maxChannels ?? 2 }))
    .chain(([kernel, strides, padding, cout]) => imageShapeArb(kernel, padding, o).map((x): ConvCase => ({
      x, w: [kernel[0], kernel[1], x[3], cout], strides, padding,
    })));
}

export interface PoolCase {
  readonly x: [number, number, number, number];
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: PaddingMode;
}

export function poolCaseArb(o: WindowOptions = {}): fc.Arbitrary<PoolCase> {
  return fc.tuple(pairArb(o.maxWindow ?? 3), pairArb(o.maxStride ?? 2), paddingArb)
    .chain(([poolSize, strides, padding]) => imageShapeArb(poolSize, padding, o).map((x): PoolCase => ({ x, poolSize, strides, padding })));
}
