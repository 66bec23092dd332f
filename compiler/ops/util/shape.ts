// Symbolic shape arithmetic: numbers and the batch dim `N`. `N` only matches `N`, or
// broadcasts with 1; it is never assumed equal to a number.

import type { Dim, Shape } from '../../ir/types';
import { formatShape } from '../../ir/types';
import { fail } from './check';

/** numpy broadcasting of symbolic shapes. */
export function broadcastSymbolic(op: string, shapes: readonly Shape[]): Dim[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1 || d === dim) continue;
      if (dim !== 1) fail(op, `shapes ${shapes.map(formatShape).join(' and ')} do not broadcast`);
      dim = d;
    }
    out.push(dim);
  }
  return out;
}

/** Whether `from` broadcasts to exactly `to` (the adjoint pair broadcastTo / sumTo). */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  const offset = to.length - from.length;
  return from.every((d, i) => d === 1 || d === to[i + offset]);
}

/** The product of the numeric dims, and how many `N` dims there are. */
export function symbolicSize(shape: Shape): { known: number; batchDims: number } {
  let known = 1;
  let batchDims = 0;
  for (const d of shape) {
    if (d === 'N') batchDims++; else known *= d;
  }
  return { known, batchDims };
}

/** The shape with the given (sorted, normalised) axes set to 1 or dropped. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): Dim[] {
  const out: Dim[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}
