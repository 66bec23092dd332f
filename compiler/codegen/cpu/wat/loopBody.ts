// Renders the pieces of a row-loop kernel: per-row address setup, the code for one chunk of
// columns (4 lanes or 1), per-row and per-shard reduction bookkeeping.
// Row-invariant reductions of a fully unrolled row live in locals for the whole shard
// (that is what keeps a per-channel bias gradient out of memory).

import type { ScalarExpr } from '../../../ir/scalar';
import { effectivePeriod, type LoopOperand, type ReductionPlan, type RowLoopParams } from './loopPlan';
import { renderScalarF32, renderScalarF32x4, scalarArgsUsed } from './scalar';
import {
  Locals, addressSum, get, horizontalSum, i32, loadF32, loadLanes, set, storeF32, storeLanes, storeV128, type Address,
} from './loopText';

export interface Chunk {
  readonly lanes: 1 | 4;
  /** First column of the chunk (its static part in the column loop). */
  readonly col: number;
  /** Inside the column loop: `$cb` (the loop's column byte offset) adds to every column address. */
  readonly dynamic: boolean;
}

interface Accumulator { readonly local: string; readonly plan: ReductionPlan; readonly chunk: Chunk }

/** Which operands and lets the stores and reductions need, transitively through the lets. */
function liveArguments(p: RowLoopParams): { operands: Set<number>; lets: Set<number> } {
  const lets = p.lets ?? [];
  const used = new Set<number>();
  for (const e of [...p.stores.map((s) => s.expr), ...(p.reductions ?? []).map((r) => r.expr)]) scalarArgsUsed(e, used);
  for (let j = lets.length - 1; j >= 0; j--) if (used.has(p.operands.length + j)) scalarArgsUsed(lets[j], used);
  const operands = new Set([...used].filter((a) => a < p.operands.length));
  const liveLets = new Set([...used].filter((a) => a >= p.operands.length).map((a) => a - p.operands.length));
  return { operands, lets: liveLets };
}

export class RowLoopWriter {
  readonly locals = new Locals();
  private readonly rowBases = new Map<string, { local: string; period: number; strideBytes: number }>();
  private readonly periods = new Set<number>();
  private readonly accumulators: Accumulator[] = [];
  private readonly live: { operands: Set<number>; lets: Set<number> };

  constructor(readonly p: RowLoopParams, readonly plans: readonly ReductionPlan[], readonly unrolled: boolean) {
    this.live = liveArguments(p);
    for (const plan of plans) if (plan.rowMode === 'periodic') this.periods.add(plan.period);
  }

  periodCounter(period: number): string {
    this.periods.add(period);
    return this.locals.declare(`rp${period}`, 'i32');
  }

  usedPeriods(): number[] {
    return [...this.periods].sort((a, b) => a - b);
  }

  /** The local holding this row's byte offset for an operand's row addressing, or null (broadcast). */
  private rowBase(period: number, rowStride: number): string | null {
    if (rowStride === 0) return null;
    const key = `${period}_${rowStride * 4}`;
    let entry = this.rowBases.get(key);
    if (!entry) {
      entry = { local: this.locals.declare(`rb${key}`, 'i32'), period, strideBytes: rowStride * 4 };
      if (period > 0) this.periodCounter(period);
      this.rowBases.set(key, entry);
    }
    return entry.local;
  }

  private address(op: LoopOperand, chunk: Chunk): Address {
    const row = this.rowBase(effectivePeriod(op, this.p.rows), op.rowStride);
    const col = !chunk.dynamic || op.colStride === 0 ? null : op.colStride === 1 ? get('cb') : `(i32.mul ${get('cb')} ${i32(op.colStride)})`;
    return { base: addressSum(row === null ? null : get(row), col), offset: op.offset + chunk.col * 4 * op.colStride };
  }

  private render(expr: ScalarExpr, chunk: Chunk): string {
    const n = this.p.operands.length;
    const args = Array.from({ length: n + (this.p.lets ?? []).length }, (_, a) =>
      get(a < n ? `${chunk.lanes === 4 ? 'ov' : 'os'}${a}` : `${chunk.lanes === 4 ? 'lv' : 'ls'}${a - n}`));
    return chunk.lanes === 4 ? renderScalarF32x4(expr, args) : renderScalarF32(expr, args);
  }

  private typeOf(chunk: Chunk): 'v128' | 'f32' {
    return chunk.lanes === 4 ? 'v128' : 'f32';
  }

  /** Loads, lets, stores and reduction updates for one chunk of one row. */
  chunk(chunk: Chunk): string[] {
    const out: string[] = [];
    const vec = chunk.lanes === 4;
    for (const k of [...this.live.operands].sort((a, b) => a - b)) {
      const op = this.p.operands[k];
      const a = this.address(op, chunk);
      out.push(set(this.locals.declare(`${vec ? 'ov' : 'os'}${k}`, this.typeOf(chunk)), vec ? loadLanes(a, op.colStride) : loadF32(a)));
    }
    (this.p.lets ?? []).forEach((e, j) => {
      if (this.live.lets.has(j)) out.push(set(this.locals.declare(`${vec ? 'lv' : 'ls'}${j}`, this.typeOf(chunk)), this.render(e, chunk)));
    });
    for (const s of this.p.stores) {
      const a = this.address({ offset: s.offset, rowStride: s.rowStride, colStride: 1 }, chunk);
      out.push(vec ? storeV128(a, this.render(s.expr, chunk)) : storeF32(a, this.render(s.expr, chunk)));
    }
    for (const plan of this.plans) out.push(...this.reduceChunk(plan, chunk));
    return out;
  }

  private add(chunk: Chunk, a: string, b: string): string {
    return chunk.lanes === 4 ? `(f32x4.add ${a} ${b})` : `(f32.add ${a} ${b})`;
  }

  /** value += at address a (vector or scalar by chunk). */
  private addToMemory(chunk: Chunk, a: Address, value: string): string {
    if (chunk.lanes === 1) return storeF32(a, `(f32.add ${loadF32(a)} ${value})`);
    return storeV128(a, `(f32x4.add ${loadLanes(a, 1)} ${value})`);
  }

  private reduceChunk(plan: ReductionPlan, chunk: Chunk): string[] {
    const value = this.render(plan.expr, chunk);
    const vec = chunk.lanes === 4;
    if (plan.sumsColumns) {
      const acc = this.locals.declare(`${vec ? 'rs' : 'rss'}${plan.index}`, this.typeOf(chunk));
      return [set(acc, this.add(chunk, get(acc), value))];
    }
    if (plan.rowMode === 'invariant' && this.unrolled) {
      const acc = this.locals.declare(`acc${plan.index}_c${chunk.col}`, this.typeOf(chunk));
      if (!this.accumulators.some((x) => x.local === acc)) this.accumulators.push({ local: acc, plan, chunk });
      return [set(acc, this.add(chunk, get(acc), value))];
    }
    if (plan.rowMode !== 'owned') {
      const base = this.locals.declare(`${plan.rowMode === 'invariant' ? 'pb' : 'pr'}${plan.index}`, 'i32');
      const a = { base: addressSum(get(base), chunk.dynamic ? get('cb') : null), offset: chunk.col * 4 };
      return [this.addToMemory(chunk, a, value)];
    }
    return this.writeOwned(plan, chunk, value);
  }

  /** A target row owned by this row: write (or add) the chunk's values straight into it. */
  private writeOwned(plan: ReductionPlan, chunk: Chunk, value: string): string[] {
    const t = plan.target;
    const a = this.address({ offset: t.offset, rowStride: t.rowStride, colStride: t.colStride }, chunk);
    if (chunk.lanes === 1) return [storeF32(a, plan.accumulate ? `(f32.add ${loadF32(a)} ${value})` : value)];
    const tmp = this.locals.declare('owned', 'v128');
    const v = plan.accumulate ? `(f32x4.add ${loadLanes(a, t.colStride)} ${value})` : value;
    return [set(tmp, v), storeLanes(a, t.colStride, tmp)];
  }

  /** Start of a row: row offsets, partial row bases, cleared row sums. */
  rowSetup(): string[] {
    const out: string[] = [];
    for (const { local, period, strideBytes } of this.rowBases.values()) {
      out.push(set(local, `(i32.mul ${get(period > 0 ? `rp${period}` : 'r')} ${i32(strideBytes)})`));
    }
    for (const plan of this.plans) {
      if (plan.rowMode === 'periodic') {
        const pr = this.locals.declare(`pr${plan.index}`, 'i32');
        out.push(set(pr, `(i32.add ${get(`pb${plan.index}`)} (i32.mul ${get(`rp${plan.period}`)} ${i32(plan.targetCols * 4)}))`));
      }
      if (plan.sumsColumns) {
        out.push(set(this.locals.declare(`rs${plan.index}`, 'v128'), '(v128.const i32x4 0 0 0 0)'));
        out.push(set(this.locals.declare(`rss${plan.index}`, 'f32'), '(f32.const 0)'));
      }
    }
    return out;
  }

  /** End of a row: column sums go to their target row. */
  rowEnd(hasVectorChunks: boolean): string[] {
    const out: string[] = [];
    for (const plan of this.plans.filter((x) => x.sumsColumns)) {
      const i = plan.index;
      const total = hasVectorChunks ? `(f32.add ${horizontalSum(`rs${i}`)} ${get(`rss${i}`)})` : get(`rss${i}`);
      if (plan.rowMode === 'invariant') {
        const ts = this.locals.declare(`ts${i}`, 'f32');
        out.push(set(ts, `(f32.add ${get(ts)} ${total})`));
      } else if (plan.rowMode === 'periodic') {
        const a = { base: get(`pr${i}`), offset: 0 };
        out.push(storeF32(a, `(f32.add ${loadF32(a)} ${total})`));
      } else {
        const a = this.address({ offset: plan.target.offset, rowStride: plan.target.rowStride, colStride: 0 }, { lanes: 1, col: 0, dynamic: false });
        out.push(storeF32(a, plan.accumulate ? `(f32.add ${loadF32(a)} ${total})` : total));
      }
    }
    return out;
  }

  /** Before shard `$s`'s rows: its partial base; every sum, in memory or in locals, starts at zero. */
  shardStart(): string[] {
    const out: string[] = [];
    for (const plan of this.plans.filter((x) => x.partialShardBytes > 0)) {
      const pb = this.locals.declare(`pb${plan.index}`, 'i32');
      out.push(set(pb, `(i32.add ${i32(plan.partialBase)} (i32.mul ${get('s')} ${i32(plan.partialShardBytes)}))`));
      const inMemory = plan.rowMode === 'periodic' || (!plan.sumsColumns && !this.unrolled);
      if (inMemory) out.push(`(memory.fill ${get(pb)} ${i32(0)} ${i32(plan.partialShardBytes)})`);
    }
    for (const { local, chunk } of this.accumulators) out.push(set(local, chunk.lanes === 4 ? '(v128.const i32x4 0 0 0 0)' : '(f32.const 0)'));
    for (const plan of this.plans.filter((x) => x.sumsColumns && x.rowMode === 'invariant')) {
      out.push(set(this.locals.declare(`ts${plan.index}`, 'f32'), '(f32.const 0)'));
    }
    return out;
  }

  /** After shard `$s`'s rows: row-invariant sums held in locals go to its partial. */
  shardEnd(): string[] {
    const out: string[] = [];
    for (const { local, plan, chunk } of this.accumulators) {
      const a = { base: get(`pb${plan.index}`), offset: chunk.col * 4 };
      out.push(chunk.lanes === 4 ? storeV128(a, get(local)) : storeF32(a, get(local)));
    }
    for (const plan of this.plans.filter((x) => x.sumsColumns && x.rowMode === 'invariant')) {
      out.push(storeF32({ base: get(`pb${plan.index}`), offset: 0 }, get(this.locals.declare(`ts${plan.index}`, 'f32'))));
    }
    return out;
  }
}

