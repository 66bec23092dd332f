// Small kernels of opaque ops: sums and means of rows (the batch loss, a regularizer's sum,
// MSE's per-example means), sums, means and maxima over a block of middle axes (global
// pooling) and broadcasts back over such a block, one-hot rows, and a value known when the
// program is built (a shape count once the batch is bound). Thread 0 does the work; sums run
// in f64, as the float64 reference does, so the loss does not drift with the batch.

import type { WatFunction } from './module';
import { Locals, get, i32, kernelText, set } from './loopText';
import { f32Literal } from './mathLanes';
import { checkName, checkOffset } from './conv-geometry';

/** Thread 0 does the work; the others return at once. */
const ONLY_THREAD_0 = '(if (local.get $tid) (then return))';

function check(name: string, offsets: Readonly<Record<string, number>>): void {
  checkName(name, `kernel '${name}'`);
  for (const [what, v] of Object.entries(offsets)) checkOffset(v, what, `kernel '${name}'`);
}

/**
 * output[r] = the sum (or mean) of row r's `cols` floats, for `rows` consecutive rows: a
 * reduction over trailing axes (a per-example mean; one row for a whole tensor). Summed in f64.
 */
export function emitRowReduce(p: { readonly name: string; readonly rows: number; readonly cols: number; readonly input: number; readonly output: number; readonly mean: boolean }): WatFunction {
  check(p.name, { input: p.input, output: p.output });
  if (!Number.isInteger(p.rows) || !Number.isInteger(p.cols) || p.rows < 1 || p.cols < 1) {
    throw new Error(`kernel '${p.name}': rows ${p.rows} and cols ${p.cols} must be positive integers`);
  }
  const locals = new Locals();
  for (const v of ['a', 'end', 'o']) locals.declare(v, 'i32');
  locals.declare('sum', 'f64');
  const total = `(f32.demote_f64 ${p.mean ? `(f64.div ${get('sum')} (f64.const ${p.cols}))` : get('sum')})`;
  return kernelText(p.name, locals, [
    ONLY_THREAD_0,
    '(loop $row',
    `  ${set('sum', '(f64.const 0)')}`,
    `  ${set('end', `(i32.add ${get('a')} ${i32(p.cols * 4)})`)}`,
    '  (loop $col',
    `    ${set('sum', `(f64.add ${get('sum')} (f64.promote_f32 (f32.load offset=${p.input} ${get('a')})))`)}`,
    `    ${set('a', `(i32.add ${get('a')} ${i32(4)})`)}`,
    `    (br_if $col (i32.lt_u ${get('a')} ${get('end')})))`,
    `  (f32.store offset=${p.output} ${get('o')} ${total})`,
    `  ${set('o', `(i32.add ${get('o')} ${i32(4)})`)}`,
    `  (br_if $row (i32.lt_u ${get('o')} ${i32(p.rows * 4)})))`,
  ]);
}

export type BlockReduction = 'sum' | 'mean' | 'max';

/**
 * output[r, i] = the sum, mean or maximum of x[r, m, i] over m < cols, x laid out as
 * [rows, cols, inner]: a reduction over a contiguous block of axes with kept axes after it
 * (global pooling's H and W between N and C). Sums run in f64 in the reference's order; the
 * maximum in f32 (exact), NaN propagating as f32.max does.
 */
export function emitBlockReduce(p: {
  readonly name: string; readonly rows: number; readonly cols: number; readonly inner: number;
  readonly input: number; readonly output: number; readonly op: BlockReduction;
}): WatFunction {
  check(p.name, { input: p.input, output: p.output });
  if (![p.rows, p.cols, p.inner].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`kernel '${p.name}': rows ${p.rows}, cols ${p.cols} and inner ${p.inner} must be positive integers`);
  }
  const locals = new Locals();
  for (const v of ['a', 'end', 'o', 'i', 'row']) locals.declare(v, 'i32');
  const max = p.op === 'max';
  locals.declare('acc', max ? 'f32' : 'f64');
  const load = `(f32.load offset=${p.input} ${get('a')})`;
  const step = max ? `(f32.max ${get('acc')} ${load})` : `(f64.add ${get('acc')} (f64.promote_f32 ${load}))`;
  const total = max ? get('acc') : `(f32.demote_f64 ${p.op === 'mean' ? `(f64.div ${get('acc')} (f64.const ${p.cols}))` : get('acc')})`;
  const rowBytes = p.cols * p.inner * 4;
  return kernelText(p.name, locals, [
    ONLY_THREAD_0,
    '(loop $row',
    `  ${set('i', i32(0))}`,
    '  (loop $inner',
    `    ${set('a', `(i32.add ${get('row')} (i32.shl ${get('i')} ${i32(2)}))`)}`,
    `    ${set('end', `(i32.add ${get('a')} ${i32(rowBytes)})`)}`,
    `    ${set('acc', max ? '(f32.const -inf)' : '(f64.const 0)')}`,
    '    (loop $col',
    `      ${set('acc', step)}`,
    `      ${set('a', `(i32.add ${get('a')} ${i32(p.inner * 4)})`)}`,
    `      (br_if $col (i32.lt_u ${get('a')} ${get('end')})))`,
    `    (f32.store offset=${p.output} ${get('o')} ${total})`,
    `    ${set('o', `(i32.add ${get('o')} ${i32(4)})`)}`,
    `    ${set('i', `(i32.add ${get('i')} ${i32(1)})`)}`,
    `    (br_if $inner (i32.lt_u ${get('i')} ${i32(p.inner)})))`,
    `  ${set('row', `(i32.add ${get('row')} ${i32(rowBytes)})`)}`,
    `  (br_if $row (i32.lt_u ${get('o')} ${i32(p.rows * p.inner * 4)})))`,
  ]);
}

/**
 * output[r, m, i] = input[r, i] for m < cols, the output laid out as [rows, cols, inner]: a
 * broadcast over a contiguous block of middle axes, the adjoint of emitBlockReduce (the
 * gradient of global pooling spreads [N,C] back over H and W). A fused loop cannot address
 * that input (its row index would need a division), so this copy runs as a kernel of its own.
 */
export function emitBlockBroadcast(p: {
  readonly name: string; readonly rows: number; readonly cols: number; readonly inner: number; readonly input: number; readonly output: number;
}): WatFunction {
  check(p.name, { input: p.input, output: p.output });
  if (![p.rows, p.cols, p.inner].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`kernel '${p.name}': rows ${p.rows}, cols ${p.cols} and inner ${p.inner} must be positive integers`);
  }
  const locals = new Locals();
  for (const v of ['a', 'o', 'm', 'rowEnd']) locals.declare(v, 'i32');
  const rowBytes = p.inner * 4;
  return kernelText(p.name, locals, [
    ONLY_THREAD_0,
    '(loop $row',
    `  ${set('m', i32(0))}`,
    `  ${set('rowEnd', `(i32.add ${get('a')} ${i32(rowBytes)})`)}`,
    '  (loop $copy',
    `    ${set('a', `(i32.sub ${get('rowEnd')} ${i32(rowBytes)})`)}`,
    '    (loop $cell',
    `      (f32.store offset=${p.output} ${get('o')} (f32.load offset=${p.input} ${get('a')}))`,
    `      ${set('o', `(i32.add ${get('o')} ${i32(4)})`)}`,
    `      ${set('a', `(i32.add ${get('a')} ${i32(4)})`)}`,
    `      (br_if $cell (i32.lt_u ${get('a')} ${get('rowEnd')})))`,
    `    ${set('m', `(i32.add ${get('m')} ${i32(1)})`)}`,
    `    (br_if $copy (i32.lt_u ${get('m')} ${i32(p.cols)})))`,
    `  (br_if $row (i32.lt_u ${get('o')} ${i32(p.rows * p.cols * p.inner * 4)})))`,
  ]);
}

/**
 * One-hot rows of `depth` for `rows` labels stored as f32 class indices; a label outside
 * [0, depth) gives a row of zeros, as the op's reference (TensorFlow's one_hot).
 */
export function emitOneHot(p: { readonly name: string; readonly rows: number; readonly depth: number; readonly labels: number; readonly output: number }): WatFunction {
  check(p.name, { labels: p.labels, output: p.output });
  if (!Number.isInteger(p.rows) || !Number.isInteger(p.depth) || p.rows < 1 || p.depth < 1) {
    throw new Error(`kernel '${p.name}': rows ${p.rows} and depth ${p.depth} must be positive integers`);
  }
  const locals = new Locals();
  for (const v of ['n', 'o', 'end', 'label']) locals.declare(v, 'i32');
  locals.declare('x', 'f32');
  return kernelText(p.name, locals, [
    ONLY_THREAD_0,
    '(loop $row',
    `  ${set('end', `(i32.add ${get('o')} ${i32(p.depth * 4)})`)}`,
    `  ${set('x', `(f32.load offset=${p.labels} (i32.shl ${get('n')} ${i32(2)}))`)}`,
    `  ${set('label', `(i32.trunc_sat_f32_s ${get('x')})`)}`,
    '  (loop $zero',
    `    (f32.store offset=${p.output} ${get('o')} (f32.const 0))`,
    `    ${set('o', `(i32.add ${get('o')} ${i32(4)})`)}`,
    `    (br_if $zero (i32.lt_u ${get('o')} ${get('end')})))`,
    // Whole labels in range only: 2.5 or -1 is no class.
    `  (if (i32.and (f32.eq ${get('x')} (f32.convert_i32_s ${get('label')})) (i32.lt_u ${get('label')} ${i32(p.depth)}))`,
    `    (then (f32.store offset=${p.output} (i32.sub ${get('end')} (i32.shl (i32.sub ${i32(p.depth)} ${get('label')}) ${i32(2)})) (f32.const 1))))`,
    `  ${set('n', `(i32.add ${get('n')} ${i32(1)})`)}`,
    `  (br_if $row (i32.lt_u ${get('n')} ${i32(p.rows)})))`,
  ]);
}

/** output[0] = value (f32). */
export function emitStoreConstant(p: { readonly name: string; readonly output: number; readonly value: number }): WatFunction {
  check(p.name, { output: p.output });
  return kernelText(p.name, new Locals(), [ONLY_THREAD_0, `(f32.store offset=${p.output} ${i32(0)} (f32.const ${f32Literal(p.value)}))`]);
}
