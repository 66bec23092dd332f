// The second half of a row loop with shared reductions: adds every shard's partial sums
// into the reduction targets (overwriting them, or adding when the reduction accumulates).
// Threads split the target rows; partials are summed in shard order, so the result does
// not depend on how many threads ran either half.

import type { WatFunction } from './module';
import { planReductions, shardCount, type ReductionPlan, type RowLoopParams } from './loopPlan';
import { Locals, get, i32, set, splitUnits, kernelText } from './loopText';

export function needsReductionCombine(p: RowLoopParams): boolean {
  return planReductions(p).some((x) => x.partialShardBytes > 0);
}

/** Sums `lanes` floats over the shards from partial address `$src + col` into the target. */
function sumOverShards(plan: ReductionPlan, shards: number, lanes: 1 | 4, colByte: string, targetByte: string): string[] {
  const [add, load, store, zero] = lanes === 4
    ? ['f32x4.add', 'v128.load', 'v128.store', '(v128.const i32x4 0 0 0 0)']
    : ['f32.add', 'f32.load', 'f32.store', '(f32.const 0)'];
  const acc = lanes === 4 ? 'accv' : 'accs';
  const target = `(i32.add ${get('dst')} ${targetByte})`;
  return [
    set(acc, zero),
    set('p', `(i32.add ${get('src')} ${colByte})`),
    set('t', i32(0)),
    '(loop $shards',
    `  ${set(acc, `(${add} ${get(acc)} (${load} ${get('p')}))`)}`,
    `  ${set('p', `(i32.add ${get('p')} ${i32(plan.partialShardBytes)})`)}`,
    `  ${set('t', `(i32.add ${get('t')} ${i32(1)})`)}`,
    `  (br_if $shards (i32.lt_u ${get('t')} ${i32(shards)})))`,
    ...(plan.accumulate ? [set(acc, `(${add} ${get(acc)} (${load} offset=${plan.target.offset} ${target}))`)] : []),
    `(${store} offset=${plan.target.offset} ${target} ${get(acc)})`,
  ];
}

/** A loop of `$c` over [from, to) element columns in steps of `lanes`. */
function columnLoop(from: number, to: number, lanes: 1 | 4, body: string[]): string[] {
  if (from >= to) return [];
  return [
    set('c', i32(from)),
    '(loop $cols',
    ...body.map((s) => `  ${s}`),
    `  ${set('c', `(i32.add ${get('c')} ${i32(lanes)})`)}`,
    `  (br_if $cols (i32.lt_u ${get('c')} ${i32(to)})))`,
  ];
}

function combineOne(plan: ReductionPlan, shards: number): string[] {
  const t = plan.target;
  const cols = plan.targetCols;
  const vectorCols = t.colStride === 1 ? cols - (cols % 4) : 0;
  const colBytes = `(i32.shl ${get('c')} ${i32(2)})`;
  const targetColBytes = t.colStride === 1 ? colBytes : `(i32.mul ${get('c')} ${i32(4 * t.colStride)})`;
  const row = [
    `(br_if $done (i32.ge_u ${get('a')} ${get('b')}))`,
    set('src', `(i32.add ${i32(plan.partialBase)} (i32.mul ${get('a')} ${i32(cols * 4)}))`),
    set('dst', `(i32.mul ${get('a')} ${i32(t.rowStride * 4)})`),
    ...columnLoop(0, vectorCols, 4, sumOverShards(plan, shards, 4, colBytes, colBytes)),
    ...columnLoop(vectorCols, cols, 1, sumOverShards(plan, shards, 1, colBytes, targetColBytes)),
    set('a', `(i32.add ${get('a')} ${i32(1)})`),
    '(br $rows)',
  ];
  return [
    ...splitUnits(plan.targetRows, 'a', 'b'),
    '(block $done (loop $rows',
    ...row.map((s) => `  ${s}`),
    '))',
  ];
}

/** Kernel adding the per-shard partials of `p`'s reductions into their targets. */
export function emitReductionCombine(p: RowLoopParams, name = `${p.name}_combine`): WatFunction {
  const plans = planReductions(p).filter((x) => x.partialShardBytes > 0);
  const shards = shardCount(p.rows);
  const locals = new Locals();
  for (const n of ['a', 'b', 'c', 'src', 'dst', 'p', 't']) locals.declare(n, 'i32');
  locals.declare('accv', 'v128');
  locals.declare('accs', 'f32');
  const lines = plans.flatMap((plan) => combineOne(plan, shards));
  return kernelText(name, locals, lines);
}
