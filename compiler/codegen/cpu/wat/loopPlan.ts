// The row-loop kernel's parameters, their validation, and how each reduction is carried out
// (per-shard partials or direct writes). Pure data: loopBody/loop/loopCombine render it.

import type { ScalarExpr } from '../../../ir/scalar';
import { scalarArgsUsed } from './scalar';

/** Element (r, c) lives at byte `offset + 4*((rowPeriod ? r % rowPeriod : r)*rowStride + c*colStride)`. */
export interface LoopOperand {
  readonly offset: number;
  /** Rows repeat with this period (0 or absent: no period). */
  readonly rowPeriod?: number;
  /** Elements between rows; 0 broadcasts over rows. */
  readonly rowStride: number;
  /** Elements between columns; 0 broadcasts over columns. */
  readonly colStride: number;
}

/** Writes expr at byte `offset + 4*(r*rowStride + c)`. */
export interface LoopStore {
  readonly expr: ScalarExpr;
  readonly offset: number;
  readonly rowStride: number;
}

/** Sums expr over every (r, c) that maps to the same target element. */
export interface LoopReduction {
  readonly expr: ScalarExpr;
  readonly target: LoopOperand;
  /** Add the sum to what the target holds instead of overwriting it. */
  readonly accumulate?: boolean;
}

export interface RowLoopParams {
  /** Kernel name: the WAT identifier and export (letters, digits, `_`). */
  readonly name: string;
  readonly rows: number;
  /** The contiguous axis, vectorised by 4 with a scalar remainder. */
  readonly cols: number;
  readonly operands: readonly LoopOperand[];
  /** Intermediates computed once per element; let j is argument `operands.length + j`. */
  readonly lets?: readonly ScalarExpr[];
  readonly stores: readonly LoopStore[];
  readonly reductions?: readonly LoopReduction[];
  /** Byte offset of the per-shard partial sums, `reductionScratchBytes` long. */
  readonly partialOffset?: number;
}

/**
 * Rows are cut into this many shards (fewer when there are fewer rows) for reductions that
 * several rows feed: each shard sums into its own partial and the combine adds the partials
 * in shard order. The cut does not depend on the thread count, so neither do the sums: a
 * model trains to the same bits on one core as on sixteen.
 */
export const REDUCTION_SHARDS = 8;

export function shardCount(rows: number): number {
  return Math.min(rows, REDUCTION_SHARDS);
}

/** How the rows of the iteration space map onto a reduction's target rows. */
export type RowMode = 'invariant' | 'periodic' | 'owned';

export interface ReductionPlan {
  readonly index: number;
  readonly expr: ScalarExpr;
  readonly target: LoopOperand;
  readonly accumulate: boolean;
  /** invariant: every row adds into the same target row; periodic: rows r and r+P share; owned: one row each. */
  readonly rowMode: RowMode;
  /** The target has colStride 0: each row's columns are summed to one value. */
  readonly sumsColumns: boolean;
  readonly period: number;
  /** Target extent as a compact [targetRows, targetCols] grid. */
  readonly targetRows: number;
  readonly targetCols: number;
  /** Byte offset of shard 0's partial grid, and bytes per shard (0 for owned: no partial). */
  readonly partialBase: number;
  readonly partialShardBytes: number;
}

export class LoopParamError extends Error {
  override name = 'LoopParamError';
}

/** A period that never repeats within `rows` is no period. */
export function effectivePeriod(op: LoopOperand, rows: number): number {
  const p = op.rowPeriod ?? 0;
  return p > 0 && p < rows && op.rowStride !== 0 ? p : 0;
}

function fail(p: RowLoopParams, what: string): never {
  throw new LoopParamError(`row loop '${p.name}': ${what}`);
}

function checkCount(p: RowLoopParams, what: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) fail(p, `${what} must be an integer >= ${min}, got ${v}`);
}

function checkAddressing(p: RowLoopParams, what: string, op: LoopOperand): void {
  checkCount(p, `${what} offset`, op.offset, 0);
  if (op.offset % 4 !== 0) fail(p, `${what} offset ${op.offset} is not a multiple of 4`);
  checkCount(p, `${what} rowStride`, op.rowStride, 0);
  checkCount(p, `${what} colStride`, op.colStride, 0);
  checkCount(p, `${what} rowPeriod`, op.rowPeriod ?? 0, 0);
}

function checkExpr(p: RowLoopParams, what: string, e: ScalarExpr, available: number): void {
  for (const a of scalarArgsUsed(e)) {
    if (!Number.isInteger(a) || a < 0 || a >= available) fail(p, `${what} reads argument ${a}, but only ${available} are defined before it`);
  }
}

/** Target elements of distinct (row, col) cells must not alias, or partial sums would be lost. */
function checkDistinctTarget(p: RowLoopParams, what: string, t: LoopOperand, rowsT: number, colsT: number): void {
  if (rowsT === 1 || colsT === 1) return;
  const rowsApart = t.rowStride >= (colsT - 1) * t.colStride + 1 && t.colStride >= 1;
  const colsApart = t.colStride >= (rowsT - 1) * t.rowStride + 1 && t.rowStride >= 1;
  if (!rowsApart && !colsApart) fail(p, `${what} target strides [${t.rowStride}, ${t.colStride}] make distinct elements overlap`);
}

export function validateRowLoop(p: RowLoopParams): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) throw new LoopParamError(`row loop name '${p.name}' is not a plain identifier`);
  checkCount(p, 'rows', p.rows, 1);
  checkCount(p, 'cols', p.cols, 1);
  p.operands.forEach((op, k) => checkAddressing(p, `operand ${k}`, op));
  const lets = p.lets ?? [];
  lets.forEach((e, j) => checkExpr(p, `let ${j}`, e, p.operands.length + j));
  const available = p.operands.length + lets.length;
  p.stores.forEach((s, i) => {
    checkAddressing(p, `store ${i}`, { offset: s.offset, rowStride: s.rowStride, colStride: 1 });
    checkExpr(p, `store ${i}`, s.expr, available);
  });
  (p.reductions ?? []).forEach((r, i) => {
    checkAddressing(p, `reduction ${i}`, r.target);
    checkExpr(p, `reduction ${i}`, r.expr, available);
  });
}

/** Classifies each reduction and lays out the partial area; validates first. */
export function planReductions(p: RowLoopParams): ReductionPlan[] {
  validateRowLoop(p);
  const shards = shardCount(p.rows);
  let cursor = p.partialOffset ?? 0;
  return (p.reductions ?? []).map((r, index) => {
    const period = effectivePeriod(r.target, p.rows);
    const rowMode: RowMode = r.target.rowStride === 0 ? 'invariant' : period > 0 ? 'periodic' : 'owned';
    const sumsColumns = r.target.colStride === 0;
    const targetRows = rowMode === 'invariant' ? 1 : rowMode === 'periodic' ? period : p.rows;
    const targetCols = sumsColumns ? 1 : p.cols;
    checkDistinctTarget(p, `reduction ${index}`, r.target, targetRows, targetCols);
    const partialShardBytes = rowMode === 'owned' ? 0 : targetRows * targetCols * 4;
    if (partialShardBytes > 0 && p.partialOffset === undefined) fail(p, `reduction ${index} needs partialOffset (a scratch area for per-shard sums)`);
    const partialBase = cursor;
    cursor += partialShardBytes * shards;
    return { index, expr: r.expr, target: r.target, accumulate: r.accumulate ?? false, rowMode, sumsColumns, period, targetRows, targetCols, partialBase, partialShardBytes };
  });
}

/** Bytes of scratch the kernel's per-shard partial sums need at `partialOffset`. */
export function reductionScratchBytes(p: RowLoopParams): number {
  return planReductions({ ...p, partialOffset: p.partialOffset ?? 0 }).reduce((n, r) => n + r.partialShardBytes * shardCount(p.rows), 0);
}
