// How a fused loop addresses a tensor while iterating over another's shape, flattened to
// rows x cols (cols = the last axis, contiguous in NHWC). Element (r, c) of an operand is
// at ((rowPeriod ? r % rowPeriod : r) * rowStride + c * colStride). Anything that does not
// fit this form is not fused (and the fusion listing says so).

import type { Shape } from '../ir/types';
import { bindShape } from '../ir/types';

export interface RowAddress {
  readonly rowPeriod: number;
  readonly rowStride: number;
  readonly colStride: number;
}

export interface IterSpace {
  /** Concrete after binding the batch. */
  readonly rows: number;
  readonly cols: number;
}

export function iterSpace(shape: readonly number[]): IterSpace {
  if (shape.length === 0) return { rows: 1, cols: 1 };
  const cols = shape[shape.length - 1];
  return { rows: shape.slice(0, -1).reduce((a, b) => a * b, 1), cols };
}

/** The address pattern of `operand` broadcast over `iter`, or null if it has none. */
export function rowAddress(operand: readonly number[], iter: readonly number[]): RowAddress | null {
  const n = iter.length;
  if (operand.length > n) return null;
  const padded: number[] = [...Array<number>(n - operand.length).fill(1), ...operand];
  if (n === 0) return { rowPeriod: 0, rowStride: 0, colStride: 0 };
  const lastIter = iter[n - 1];
  const lastOp = padded[n - 1];
  if (lastOp !== lastIter && lastOp !== 1) return null;
  const colStride = lastOp === 1 && lastIter !== 1 ? 0 : 1;
  const colsOfOperand = lastOp;
  // Leading axes: a run of broadcast (1) axes, then axes equal to the iteration's.
  const lead = padded.slice(0, n - 1);
  let k = 0;
  while (k < lead.length && lead[k] === 1) k++;
  for (let j = k; j < lead.length; j++) if (lead[j] !== iter[j]) return null;
  const innerRows = lead.slice(k);
  if (innerRows.length === 0) return { rowPeriod: 0, rowStride: 0, colStride };
  if (k === 0) return { rowPeriod: 0, rowStride: colsOfOperand, colStride };
  const period = innerRows.reduce((a, b) => a * b, 1);
  return { rowPeriod: period, rowStride: colsOfOperand, colStride };
}

/** A batch size no static dimension is likely to equal, for shape-pattern checks before binding. */
export const PROBE_BATCH = 7919;

export function rowAddressSymbolic(operand: Shape, iter: Shape): RowAddress | null {
  return rowAddress(bindShape(operand, PROBE_BATCH), bindShape(iter, PROBE_BATCH));
}
