// Keras weight constraints, applied in place after an update: NonNeg (max(w, 0)) over a
// region, and MaxNorm / MinMaxNorm, which rescale each slice of w so the L2 norm over the
// constraint's axes lands in range: w *= desired / (epsilon + norm), epsilon = 1e-7.

import type { WatFunction } from './module';
import { Locals, get, i32, set, splitUnits, kernelText } from './loopText';
import { F32, F32X4, type Lanes } from './mathLanes';
import { checkRegion, loadAt, regionKernel, storeAt } from './optimizerRegion';

export interface NonNegParams {
  readonly name: string;
  readonly count: number;
  /** Byte offset of the parameters. */
  readonly params: number;
}

/** w = max(w, 0) element by element. */
export function emitNonNegConstraint(p: NonNegParams): WatFunction {
  checkRegion(p.name, p.count, { params: p.params });
  return regionKernel(p.name, p.count, new Locals(), [], (L, lanes, addr) =>
    [storeAt(lanes, addr, p.params, L.fmax(loadAt(lanes, addr, p.params), L.fconst(0)))]);
}

/**
 * The [rows, cols] view of a tensor for a norm over `axes` (Keras' `axis`; negative counts
 * from the end): the reduced axes must lead, as Keras' defaults do (axis 0 for a dense kernel
 * [in, out], [0, 1, 2] for a conv kernel HWIO). Throws one line otherwise.
 */
export function normConstraintShape(shape: readonly number[], axes: readonly number[]): { rows: number; cols: number } {
  const norm = [...new Set(axes.map((a) => (a < 0 ? a + shape.length : a)))].sort((a, b) => a - b);
  if (norm.some((a, i) => a !== i) || norm.length === 0 || norm[norm.length - 1] >= shape.length) {
    throw new Error(`norm constraint over axes [${axes.join(', ')}] of a [${shape.join(', ')}] tensor: only leading axes are supported`);
  }
  const rows = shape.slice(0, norm.length).reduce((a, b) => a * b, 1);
  return { rows, cols: shape.slice(norm.length).reduce((a, b) => a * b, 1) };
}

export interface NormConstraintParams {
  readonly name: string;
  /** Byte offset of w, viewed as [rows, cols]: norms are over rows, one per column. */
  readonly params: number;
  readonly rows: number;
  readonly cols: number;
  /** maxNorm: desired = min(norm, maxValue). minMaxNorm: rate*clip(norm, min, max) + (1-rate)*norm. */
  readonly constraint:
    | { readonly kind: 'maxNorm'; readonly maxValue: number }
    | { readonly kind: 'minMaxNorm'; readonly minValue: number; readonly maxValue: number; readonly rate: number };
}

const EPSILON = 1e-7;

/** Column chunk at byte `$col`: the norm over rows, then the rescale (two passes down the rows). */
function columnChunk(p: NormConstraintParams, L: Lanes, lanes: 1 | 4, col: string): string[] {
  const [acc, scale] = [`acc${lanes}`, `scale${lanes}`];
  const c = p.constraint;
  const norm = L.fsqrt(get(acc));
  const clipped = (lo: number, hi: number): string => L.fmin(L.fmax(norm, L.fconst(lo)), L.fconst(hi));
  const desired = c.kind === 'maxNorm'
    ? clipped(0, c.maxValue)
    : L.fadd(L.fmul(L.fconst(c.rate), clipped(c.minValue, c.maxValue)), L.fmul(L.fconst(1 - c.rate), norm));
  const addr = `(i32.add ${col} ${get('row')})`;
  const w = loadAt(lanes, addr, p.params);
  const rows = (body: string): string[] => [
    set('row', i32(0)),
    '(loop $rows', `  ${body}`,
    `  ${set('row', `(i32.add ${get('row')} ${i32(p.cols * 4)})`)}`,
    `  (br_if $rows (i32.lt_u ${get('row')} ${i32(p.rows * p.cols * 4)})))`,
  ];
  return [
    set(acc, L.fconst(0)),
    ...rows(set(acc, L.fadd(get(acc), L.fmul(w, w)))),
    set(scale, L.fdiv(desired, L.fadd(L.fconst(EPSILON), norm))),
    ...rows(storeAt(lanes, addr, p.params, L.fmul(w, get(scale)))),
  ];
}

/** MaxNorm / MinMaxNorm; threads split the columns in groups of 4 (the last also takes the tail). */
export function emitNormConstraint(p: NormConstraintParams): WatFunction {
  checkRegion(p.name, p.rows * p.cols, { params: p.params });
  const locals = new Locals();
  for (const n of ['u', 'u1', 'b', 'end', 'row']) locals.declare(n, 'i32');
  for (const n of ['acc4', 'scale4']) locals.declare(n, 'v128');
  for (const n of ['acc1', 'scale1']) locals.declare(n, 'f32');
  const units = Math.floor(p.cols / 4);
  const tail = Array.from({ length: p.cols - units * 4 }, (_, i) => columnChunk(p, F32, 1, i32((units * 4 + i) * 4))).flat();
  const body = [
    ...splitUnits(units, 'u', 'u1'),
    set('b', `(i32.shl ${get('u')} ${i32(4)})`),
    set('end', `(i32.shl ${get('u1')} ${i32(4)})`),
    '(block $done (loop $columns',
    `  (br_if $done (i32.ge_u ${get('b')} ${get('end')}))`,
    ...columnChunk(p, F32X4, 4, get('b')).map((s) => `  ${s}`),
    `  ${set('b', `(i32.add ${get('b')} ${i32(16)})`)}`,
    '  (br $columns)))',
    ...(tail.length === 0 ? [] : [`(if (i32.eq (local.get $tid) (i32.sub (local.get $nth) ${i32(1)})) (then`, ...tail.map((s) => `  ${s}`), '))']),
  ];
  return kernelText(p.name, locals, body);
}
