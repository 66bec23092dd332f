// Shape-rule checks shared by the ops: each failure is a ShapeError naming the op.

import type { DType, Shape, TensorType } from '../../ir/types';
import { formatShape } from '../../ir/types';
import { ShapeError } from '../op';

export function fail(op: string, message: string): never {
  throw new ShapeError(`${op}: ${message}`);
}

export function expectArity(op: string, inputs: readonly TensorType[], arity: number): void {
  if (inputs.length !== arity) fail(op, `expects ${arity} input${arity === 1 ? '' : 's'}, got ${inputs.length}`);
}

export function expectDtype(op: string, t: TensorType, dtype: DType, what: string): void {
  if (t.dtype !== dtype) fail(op, `${what} has dtype ${t.dtype}, expected ${dtype}`);
}

export function expectRank(op: string, t: TensorType, rank: number, what: string): void {
  if (t.shape.length !== rank) fail(op, `${what} must have rank ${rank}, got ${formatShape(t.shape)}`);
}

/** Every input f32 (the common case for arithmetic ops). */
export function expectAllF32(op: string, inputs: readonly TensorType[]): void {
  inputs.forEach((t, i) => expectDtype(op, t, 'f32', `input ${i}`));
}

export function f32(shape: Shape): TensorType {
  return { shape: [...shape], dtype: 'f32' };
}
