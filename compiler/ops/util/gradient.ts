// Small IR-building helpers for gradient rules.

import type { Builder } from '../op';
import { sameShape } from '../../ir/types';

export function scalarConstant(b: Builder, value: number): number {
  return b.emit('constant', [], { value, shape: [] });
}

/** g summed down to the shape of value `like` when broadcasting made it bigger. */
export function sumToShapeOf(b: Builder, g: number, like: number): number {
  const want = b.type(like).shape;
  return sameShape(b.type(g).shape, want) ? g : b.emit('sumTo', [g], { shape: want });
}

/** id reshaped to [...shape, 1], so a per-example value broadcasts across a class axis. */
export function withUnitAxis(b: Builder, id: number): number {
  return b.emit('reshape', [id], { shape: [...b.type(id).shape, 1] });
}

