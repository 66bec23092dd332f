// Fused elementwise + reduction kernel over a rows x cols iteration space (cols contiguous,
// vectorised by 4 with a scalar remainder). One pass computes every store and every
// reduction; threads split the rows. Reductions that several rows feed are summed per shard
// of rows (a fixed cut, whatever the thread count) into partials that `emitReductionCombine`
// (a separate kernel, after a barrier) adds up in shard order.
//
// In the backward pass this is the PReLU-aware kernel: from dy, z and alpha it writes
// dx = select(z > 0, dy, alpha*dy) and sums dalpha = dy*min(z, 0) and dbias = dx in one pass.

import type { WatFunction } from './module';
import { RowLoopWriter, type Chunk } from './loopBody';
import { planReductions, shardCount, type RowLoopParams } from './loopPlan';
import { get, i32, set, splitUnits, kernelText } from './loopText';

export { emitReductionCombine, needsReductionCombine } from './loopCombine';
export { reductionScratchBytes, LoopParamError, REDUCTION_SHARDS } from './loopPlan';
export type { LoopOperand, LoopReduction, LoopStore, RowLoopParams } from './loopPlan';

/** Rows up to this many columns are unrolled completely (and row-invariant sums stay in locals). */
const UNROLL_COLS = 64;

function columnCode(w: RowLoopWriter, cols: number, unrolled: boolean): string[] {
  const vectorCols = cols - (cols % 4);
  const out: string[] = [];
  if (unrolled) {
    for (let c = 0; c < vectorCols; c += 4) out.push(...w.chunk({ lanes: 4, col: c, dynamic: false }));
  } else if (vectorCols > 0) {
    w.locals.declare('cb', 'i32');
    const body = w.chunk({ lanes: 4, col: 0, dynamic: true });
    out.push(set('cb', i32(0)), '(loop $cols', ...body.map((s) => `  ${s}`),
      `  ${set('cb', `(i32.add ${get('cb')} ${i32(16)})`)}`,
      `  (br_if $cols (i32.lt_u ${get('cb')} ${i32(vectorCols * 4)})))`);
  }
  for (let c = vectorCols; c < cols; c++) out.push(...w.chunk({ lanes: 1, col: c, dynamic: false } satisfies Chunk));
  return out;
}

function advanceRow(w: RowLoopWriter): string[] {
  const out = [set('r', `(i32.add ${get('r')} ${i32(1)})`)];
  for (const period of w.usedPeriods()) {
    const rp = w.periodCounter(period);
    out.push(set(rp, `(i32.add ${get(rp)} ${i32(1)})`), `(if (i32.eq ${get(rp)} ${i32(period)}) (then ${set(rp, i32(0))}))`);
  }
  return out;
}

/** Rows [r, r1) of shard `$s` of `shards`: its share of `rows`, fixed by the shard alone. */
function shardRows(rows: number, shards: number): string[] {
  const bound = (s: string): string => `(i32.div_u (i32.mul ${s} ${i32(rows)}) ${i32(shards)})`;
  return [set('r', bound(get('s'))), set('r1', bound(`(i32.add ${get('s')} ${i32(1)})`))];
}

/** The fused row-loop kernel `(func $name (param $tid i32) (param $nth i32))`. */
export function emitRowLoop(p: RowLoopParams): WatFunction {
  const plans = planReductions(p);
  const unrolled = p.cols <= UNROLL_COLS;
  const w = new RowLoopWriter(p, plans, unrolled);
  w.locals.declare('r', 'i32');
  w.locals.declare('r1', 'i32');
  const columns = columnCode(w, p.cols, unrolled);
  const end = w.rowEnd(p.cols >= 4);
  const setup = w.rowSetup(); // after every row address is registered

  const advance = advanceRow(w);
  const rowLoop = [
    ...w.usedPeriods().map((period) => set(w.periodCounter(period), `(i32.rem_u ${get('r')} ${i32(period)})`)),
    '(block $done (loop $rows',
    ...[`(br_if $done (i32.ge_u ${get('r')} ${get('r1')}))`, ...setup, ...columns, ...end, ...advance, '(br $rows)'].map((s) => `  ${s}`),
    '))',
  ];
  let lines: string[];
  if (plans.some((x) => x.partialShardBytes > 0)) {
    // Threads split the shards; each shard's rows are summed alone, into its own partial.
    const shards = shardCount(p.rows);
    w.locals.declare('s', 'i32');
    w.locals.declare('s1', 'i32');
    const start = w.shardStart();
    const finish = w.shardEnd();
    lines = [
      ...splitUnits(shards, 's', 's1'),
      '(block $shards_done (loop $shards',
      ...[`(br_if $shards_done (i32.ge_u ${get('s')} ${get('s1')}))`, ...shardRows(p.rows, shards), ...start, ...rowLoop, ...finish,
        set('s', `(i32.add ${get('s')} ${i32(1)})`), '(br $shards)'].map((s) => `  ${s}`),
      '))',
    ];
  } else {
    lines = [...splitUnits(p.rows, 'r', 'r1'), ...rowLoop];
  }
  return kernelText(p.name, w.locals, lines);
}
