// The dot form of GEMM, for C = A·B^T with A stored [M,K] and B stored [N,K]: both
// operands are contiguous along K, so each of the rows x cols outputs of a tile keeps
// a vector of four partial sums over K, reduced across lanes once at the end. A 4x4
// transpose-and-add turns four such vectors into one vector of four adjacent outputs.

import { EpilogueWriter } from './epilogue';
import { tileLoops } from './gemm-loops';
import { gemmEpilogue, type GemmParams } from './gemm-params';
import { bump, FuncBuilder, get, i32, loadFloats, set } from './gemm-wat';

export interface DotTuning {
  readonly rows: number;
  readonly cols: number;
  /** Vectors of K per loop iteration. */
  readonly unroll: number;
  readonly blockCols: number;
  readonly split: 'm' | 'n';
}

const BLOCK_BYTES = 256 * 1024;

export function dotTuning(p: GemmParams): DotTuning {
  const t = p.tuning ?? {};
  const rows = t.rows ?? 2;
  const cols = t.cols ?? 4;
  if (rows < 1 || rows > 4 || cols < 1 || cols > 4) throw new Error(`gemm ${p.name}: dot tile ${rows}x${cols} unsupported`);
  const fit = Math.floor(BLOCK_BYTES / (4 * p.k) / cols) * cols;
  const blockCols = t.blockCols ?? Math.max(cols, fit);
  if (blockCols % cols !== 0) throw new Error(`gemm ${p.name}: blockCols ${blockCols} is not a multiple of the tile's ${cols} columns`);
  const split = t.split ?? (Math.ceil(p.m / rows) >= Math.ceil(p.n / cols) ? 'm' : 'n');
  // Measured: 2x4 (8 accumulators), not unrolled, beats 4x2, 3x3, 3x4 and unrolled variants.
  return { rows, cols, unroll: Math.max(1, t.unroll ?? 1), blockCols, split };
}

const acc = (i: number, j: number): string => `d${i}_${j}`;
const ZERO = '(v128.const i64x2 0 0)';

function shuffle(lanes: readonly number[], x: string, y: string): string {
  const bytes = lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
  return `(i8x16.shuffle ${bytes.join(' ')} ${x} ${y})`;
}

/** [sum(v0), sum(v1), sum(v2), sum(v3)] from four vectors, into local `out` (via s01, s23). */
function horizontalSums(v: readonly string[], out: string): string[] {
  const pairSum = (x: string, y: string): string => `(f32x4.add ${shuffle([0, 4, 1, 5], x, y)} ${shuffle([2, 6, 3, 7], x, y)})`;
  return [
    set('s01', pairSum(v[0], v[1])),
    set('s23', pairSum(v[2], v[3])),
    set(out, `(f32x4.add ${shuffle([0, 1, 4, 5], get('s01'), get('s23'))} ${shuffle([2, 3, 6, 7], get('s01'), get('s23'))})`),
  ];
}

/** One step over `lanes` (1..4) values of K at byte offset `off` from the row pointers. */
function dotStep(p: GemmParams, rows: number, cols: number, off: number, lanes: number): string[] {
  const lines: string[] = [];
  for (let j = 0; j < cols; j++) lines.push(set(`bv${j}`, loadFloats(get('pb'), off + 4 * j * p.ldb, lanes)));
  for (let i = 0; i < rows; i++) {
    lines.push(set('av', loadFloats(get('pa'), off + 4 * i * p.lda, lanes)));
    for (let j = 0; j < cols; j++) lines.push(set(acc(i, j), `(f32x4.add ${get(acc(i, j))} (f32x4.mul ${get('av')} ${get(`bv${j}`)}))`));
  }
  return lines;
}

function tileCode(b: FuncBuilder, p: GemmParams, t: DotTuning, rows: number, cols: number, out: EpilogueWriter): string[] {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) b.local(acc(i, j), 'v128');
  for (let j = 0; j < cols; j++) b.local(`bv${j}`, 'v128');
  for (const l of ['av', 's01', 's23', 'sum']) b.local(l, 'v128');
  for (const l of ['pa', 'pb', 'kk']) b.local(l, 'i32');
  const lines = [
    set('pa', `(i32.add ${i32(p.aOffset)} (i32.mul ${get('m0')} ${i32(4 * p.lda)}))`),
    set('pb', `(i32.add ${i32(p.bOffset)} (i32.mul ${get('n0')} ${i32(4 * p.ldb)}))`),
  ];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) lines.push(set(acc(i, j), ZERO));
  const vectors = Math.floor(p.k / 4);
  const chunks = Math.floor(vectors / t.unroll);
  if (chunks > 0) {
    const body: string[] = [];
    for (let u = 0; u < t.unroll; u++) body.push(...dotStep(p, rows, cols, 16 * u, 4));
    body.push(...bump('pa', 16 * t.unroll), ...bump('pb', 16 * t.unroll));
    lines.push(set('kk', i32(chunks)), '(loop $kl', ...body.map((l) => `  ${l}`),
      `  ${set('kk', `(i32.sub ${get('kk')} (i32.const 1))`)}`, `  (br_if $kl ${get('kk')})`, ')');
  }
  for (let u = 0; u < vectors % t.unroll; u++) lines.push(...dotStep(p, rows, cols, 16 * u, 4));
  if (p.k % 4) lines.push(...dotStep(p, rows, cols, 16 * (vectors % t.unroll), p.k % 4));
  for (let i = 0; i < rows; i++) {
    const v = [0, 1, 2, 3].map((j) => (j < cols ? get(acc(i, j)) : ZERO));
    lines.push(...horizontalSums(v, 'sum'));
    if (p.accumulate) {
      const cRow = `(i32.add ${i32(p.cOffset + 4 * i * p.ldc)} (i32.shl (i32.add (i32.mul ${get('m0')} ${i32(p.ldc)}) ${get('n0')}) (i32.const 2)))`;
      lines.push(set('sum', `(f32x4.add ${get('sum')} ${loadFloats(cRow, 0, cols)})`));
    }
    lines.push(...out.rowSetup(i, `(i32.add ${get('m0')} ${i32(i)})`), ...out.store(i, get('n0'), 0, cols, get('sum')));
  }
  return lines;
}

export function emitGemmDot(p: GemmParams): string {
  const t = dotTuning(p);
  const b = new FuncBuilder(p.name);
  b.local('s01', 'v128');
  const out = new EpilogueWriter(b, gemmEpilogue(p), 'ep');
  b.emit(...tileLoops(b, { m: p.m, n: p.n, rows: t.rows, cols: t.cols, split: t.split, blockTiles: t.blockCols / t.cols },
    (rows, cols) => tileCode(b, p, t, rows, cols, out)));
  return b.text();
}
