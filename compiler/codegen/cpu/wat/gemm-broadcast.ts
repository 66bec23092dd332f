// The broadcast form of GEMM (op(B) = B stored [K,N]): a rows x cols register tile,
// each reduction step broadcasting A(m0+i, k) against the vectors of B's row k.
// With both operands transposed B's row is gathered lane by lane: correct, not fast
// (no model needs A^T·B^T; A·B^T takes the dot form instead).

import { EpilogueWriter } from './epilogue';
import { tileLoops } from './gemm-loops';
import { aStrides, gemmEpilogue, type GemmParams } from './gemm-params';
import { RegisterTile } from './gemm-tile';
import { bump, FuncBuilder, get, i32, set } from './gemm-wat';

export interface BroadcastTuning {
  readonly rows: number;
  readonly cols: number;
  readonly unroll: number;
  readonly blockCols: number;
  /** Reduction steps per pass over C (K when the reduction is not blocked). */
  readonly blockK: number;
  readonly split: 'm' | 'n';
}

/** B bytes one column block may hold so that it stays in L2 next to the A rows. */
const BLOCK_BYTES = 256 * 1024;
/** Reductions longer than this are done in blocks of BLOCK_K steps, summing in C. */
const LONG_K = 1024;
const BLOCK_K = 256;

export function broadcastTuning(p: GemmParams): BroadcastTuning {
  const t = p.tuning ?? {};
  const rows = t.rows ?? 4;
  const cols = t.cols ?? 8;
  if (rows < 1 || rows > 8 || cols < 4 || cols % 4 !== 0 || cols > 16) throw new Error(`gemm ${p.name}: tile ${rows}x${cols} unsupported`);
  // Measured (bench/kernels/explore.ts): 4x8 without unrolling beats 4x12, 4x16, 6x8 and
  // every unrolled variant on this machine.
  const unroll = Math.max(1, t.unroll ?? 1);
  const fit = Math.floor(BLOCK_BYTES / (4 * Math.min(p.k, BLOCK_K)) / cols) * cols;
  const blockCols = t.blockCols ?? Math.max(cols, fit);
  if (blockCols % cols !== 0) throw new Error(`gemm ${p.name}: blockCols ${blockCols} is not a multiple of the tile's ${cols} columns`);
  // Partial sums live in C between blocks, so only a plain C output can be blocked.
  const blockK = p.epilogue ? p.k : Math.min(p.k, t.blockK ?? (p.k > LONG_K ? BLOCK_K : p.k));
  if (blockK < p.k && blockK % unroll !== 0) throw new Error(`gemm ${p.name}: blockK ${blockK} is not a multiple of unroll ${unroll}`);
  const split = t.split ?? (Math.ceil(p.m / rows) >= Math.ceil(p.n / cols) ? 'm' : 'n');
  return { rows, cols, unroll, blockCols, blockK, split };
}

/** Address of C's row m0+i, column n0 (WAT i32). */
function cRow(p: GemmParams, i: number): string {
  return `(i32.add ${i32(p.cOffset + 4 * i * p.ldc)} (i32.shl (i32.add (i32.mul ${get('m0')} ${i32(p.ldc)}) ${get('n0')}) (i32.const 2)))`;
}

/** Zeroes the tile, or loads it from C when accumulating or continuing a blocked reduction. */
function tileInit(p: GemmParams, tile: RegisterTile, blocked: boolean): string[] {
  const load = tile.load((i) => cRow(p, i));
  if (p.accumulate) return load;
  if (!blocked) return tile.zero();
  return [`(if (i32.eqz ${get('k0')})`, '  (then', ...tile.zero().map((l) => `    ${l}`), '  )', '  (else', ...load.map((l) => `    ${l}`), '  )', ')'];
}

function tileCode(b: FuncBuilder, p: GemmParams, t: BroadcastTuning, rows: number, cols: number, out: EpilogueWriter): string[] {
  const tile = new RegisterTile(b, rows, cols);
  const blocked = t.blockK < p.k;
  const s = aStrides(p);
  // B element (k, n) at bOffset + k*bStride + n*bCol: row-major [K,N], or [N,K] when transposed.
  const bStride = p.transposeB ? 4 : 4 * p.ldb;
  const bCol = p.transposeB ? 4 * p.ldb : 4;
  const pa = b.local('pa', 'i32');
  const pb = b.local('pb', 'i32');
  const kk = b.local('kk', 'i32');
  const kStart = (stride: number): string => (blocked ? ` (i32.mul ${get('k0')} ${i32(stride)})` : '');
  const lines = [
    set(pa, `(i32.add${blocked ? ' (i32.add' : ''} ${i32(p.aOffset)} (i32.mul ${get('m0')} ${i32(s.rowStride)}))${kStart(s.kStride)}${blocked ? ')' : ''}`),
    set(pb, `(i32.add${blocked ? ' (i32.add' : ''} ${i32(p.bOffset)} (i32.mul ${get('n0')} ${i32(bCol)}))${kStart(bStride)}${blocked ? ')' : ''}`),
    ...tileInit(p, tile, blocked),
  ];
  const steps = (count: number): string[] => {
    const body: string[] = [];
    for (let u = 0; u < count; u++) body.push(...tile.step(pa, (i) => i * s.rowStride + u * s.kStride, pb, u * bStride, bCol));
    return body;
  };
  const body = [...steps(t.unroll), ...bump(pa, t.unroll * s.kStride), ...bump(pb, t.unroll * bStride)];
  const loop = ['(loop $kl', ...body.map((l) => `  ${l}`), `  ${set(kk, `(i32.sub ${get(kk)} (i32.const 1))`)}`, `  (br_if $kl ${get(kk)})`, ')'];
  const tail = steps(p.k % t.unroll);
  if (blocked) {
    // kn = this block's length; only the last block can have a tail shorter than unroll.
    lines.push(set(kk, `(i32.div_u ${get('kn')} ${i32(t.unroll)})`), `(if ${get(kk)} (then`, ...loop.map((l) => `  ${l}`), '))');
    if (tail.length) lines.push(`(if (i32.eq (i32.add ${get('k0')} ${get('kn')}) ${i32(p.k)}) (then`, ...tail.map((l) => `  ${l}`), '))');
  } else {
    if (p.k >= t.unroll) lines.push(set(kk, i32(Math.floor(p.k / t.unroll))), ...loop);
    lines.push(...tail);
  }
  for (let i = 0; i < rows; i++) {
    lines.push(...out.rowSetup(i, `(i32.add ${get('m0')} ${i32(i)})`));
    for (let j = 0; j < tile.vecs; j++) lines.push(...out.store(i, get('n0'), j, tile.lanes(j), get(tile.acc(i, j))));
  }
  return lines;
}

export function emitGemmBroadcast(p: GemmParams): string {
  const t = broadcastTuning(p);
  const b = new FuncBuilder(p.name);
  const out = new EpilogueWriter(b, gemmEpilogue(p), 'ep');
  const grid = { m: p.m, n: p.n, rows: t.rows, cols: t.cols, split: t.split, blockTiles: t.blockCols / t.cols };
  const loops = tileLoops(b, grid, (rows, cols) => tileCode(b, p, t, rows, cols, out));
  if (t.blockK >= p.k) {
    b.emit(...loops);
    return b.text();
  }
  // Blocks of the reduction, outermost: each block's slice of A and B stays in cache while
  // every tile of C takes its share. Threads own disjoint tiles, so no barrier is needed.
  b.local('k0', 'i32');
  b.local('kn', 'i32');
  b.emit(set('k0', i32(0)), '(loop $kbl',
    `  ${set('kn', `(select ${i32(t.blockK)} (i32.sub ${i32(p.k)} ${get('k0')}) (i32.lt_u ${i32(t.blockK)} (i32.sub ${i32(p.k)} ${get('k0')})))`)}`,
    ...loops.map((l) => `  ${l}`),
    `  ${set('k0', `(i32.add ${get('k0')} ${i32(t.blockK)})`)}`,
    `  (br_if $kbl (i32.lt_u ${get('k0')} ${i32(p.k)}))`, ')');
  return b.text();
}
