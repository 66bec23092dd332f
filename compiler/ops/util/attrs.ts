// Typed readers for op attributes (plain JSON in the IR). A bad attribute is a ShapeError
// that names the op, the attribute and the value found.

import type { Attrs, AttrValue, Dim, Shape } from '../../ir/types';
import { fail } from './check';

function show(v: AttrValue | undefined): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function isInt(v: AttrValue | undefined): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

export function attrNumber(op: string, attrs: Attrs, key: string, fallback?: number): number {
  const v = attrs[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(op, `attr ${key} must be a finite number, got ${show(v)}`);
  return v;
}

export function attrBool(op: string, attrs: Attrs, key: string, fallback: boolean): boolean {
  const v = attrs[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') fail(op, `attr ${key} must be true or false, got ${show(v)}`);
  return v;
}

/** A positive integer pair, also accepted as one integer for both axes (Keras style). */
export function attrPair(op: string, attrs: Attrs, key: string, fallback?: readonly [number, number]): [number, number] {
  const v = attrs[key];
  if (v === undefined && fallback) return [fallback[0], fallback[1]];
  if (isInt(v) && v > 0) return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((d) => isInt(d) && d > 0)) return [v[0] as number, v[1] as number];
  return fail(op, `attr ${key} must be a pair of positive integers, got ${show(v)}`);
}

export type PaddingMode = 'valid' | 'same';

export function attrPadding(op: string, attrs: Attrs): PaddingMode {
  const v = attrs.padding;
  if (v === undefined) return 'valid';
  if (v !== 'valid' && v !== 'same') fail(op, `attr padding must be 'valid' or 'same', got ${show(v)}`);
  return v;
}

/** A shape whose dims are non-negative integers or the symbolic batch `N`. */
export function attrShape(op: string, attrs: Attrs, key: string, fallback?: Shape): Dim[] {
  const v = attrs[key];
  if (v === undefined && fallback) return [...fallback];
  if (!Array.isArray(v) || !v.every((d) => d === 'N' || (isInt(d) && d >= 0))) {
    fail(op, `attr ${key} must be a shape (integers >= 0 or "N"), got ${show(v)}`);
  }
  return v as Dim[];
}

/** An integer list, e.g. a permutation. */
export function attrInts(op: string, attrs: Attrs, key: string): number[] {
  const v = attrs[key];
  if (!Array.isArray(v) || !v.every(isInt)) fail(op, `attr ${key} must be a list of integers, got ${show(v)}`);
  return v as number[];
}

/** One axis in [-rank, rank), normalised to [0, rank). */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) fail(op, `axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

export function attrAxis(op: string, attrs: Attrs, rank: number): number {
  const v = attrs.axis;
  if (v === undefined) return normalizeAxis(op, -1, rank);
  if (!isInt(v)) fail(op, `attr axis must be an integer, got ${show(v)}`);
  return normalizeAxis(op, v, rank);
}

/** Sorted distinct axes; an absent `axes` means every axis. */
export function attrAxes(op: string, attrs: Attrs, rank: number): number[] {
  const v = attrs.axes;
  if (v === undefined || v === null) return Array.from({ length: rank }, (_, i) => i);
  if (!Array.isArray(v) || !v.every(isInt)) fail(op, `attr axes must be a list of integers, got ${show(v)}`);
  const axes = (v as number[]).map((a) => normalizeAxis(op, a, rank));
  if (new Set(axes).size !== axes.length) fail(op, `attr axes repeats an axis: ${show(v)}`);
  return axes.sort((a, b) => a - b);
}
