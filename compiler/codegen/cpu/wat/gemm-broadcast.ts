// The broadcast form of GEMM (op(B) = B stored [K,N]): a rows x cols register tile,
// each reduction step broadcasting A(m0+i, k) against the vectors of B's row k.
// With both operands transposed B's row is gathered lane by lane: correct, not fast
// (no model needs A^T·B^T; A·B^T takes the dot form instead).

import { EpilogueWriter } from './epilogue';
import { emitTileLoops } from './gemm-loops';
import { aStrides, gemmEpilogue, type GemmParams } from './gemm-params';
import { RegisterTile } from './gemm-tile';
import { bump, FuncBuilder, get, i32, set } from './gemm-wat';

export interface BroadcastTuning {
  readonly rows: number;
  readonly cols: number;
  readonly unroll: number;
  readonly blockCols: number;
  readonly split: 'm' | 'n';
}

/** B bytes one column block may hold so that it stays in L2 next to the A rows. */
const BLOCK_BYTES = 256 * 1024;

export function broadcastTuning(p: GemmParams): BroadcastTuning {
  const t = p.tuning ?? {};
  const rows = t.rows ?? 4;
  const cols = t.cols ?? 8;
  if (rows < 1 || rows > 8 || cols < 4 || cols % 4 !== 0 || cols > 16) throw new Error(`gemm ${p.name}: tile ${rows}x${cols} unsupported`);
  const fit = Math.floor(BLOCK_BYTES / (4 * p.k) / cols) * cols;
  const blockCols = t.blockCols ?? Math.max(cols, fit);
  if (blockCols % cols !== 0) throw new Error(`gemm ${p.name}: blockCols ${blockCols} is not a multiple of the tile's ${cols} columns`);
  const split = t.split ?? (Math.ceil(p.m / rows) >= Math.ceil(p.n / cols) ? 'm' : 'n');
  // Measured (bench/kernels/explore.ts): 4x8 without unrolling beats 4x12, 4x16, 6x8 and any unroll;
  // longer straight-line bodies make V8 spill the accumulators.
  return { rows, cols, unroll: Math.max(1, t.unroll ?? 1), blockCols, split };
}

function tileCode(b: FuncBuilder, p: GemmParams, t: BroadcastTuning, rows: number, cols: number, out: EpilogueWriter): string[] {
  const tile = new RegisterTile(b, rows, cols);
  const s = aStrides(p);
  // B element (k, n) at bOffset + k*bStride + n*bCol: row-major [K,N], or [N,K] when transposed.
  const bStride = p.transposeB ? 4 : 4 * p.ldb;
  const bCol = p.transposeB ? 4 * p.ldb : 4;
  const pa = b.local('pa', 'i32');
  const pb = b.local('pb', 'i32');
  const kk = b.local('kk', 'i32');
  const lines = [
    set(pa, `(i32.add ${i32(p.aOffset)} (i32.mul ${get('m0')} ${i32(s.rowStride)}))`),
    set(pb, `(i32.add ${i32(p.bOffset)} (i32.mul ${get('n0')} ${i32(bCol)}))`),
  ];
  if (p.accumulate) {
    lines.push(...tile.load((i) => `(i32.add ${i32(p.cOffset + 4 * i * p.ldc)} (i32.shl (i32.add (i32.mul ${get('m0')} ${i32(p.ldc)}) ${get('n0')}) (i32.const 2)))`));
  } else {
    lines.push(...tile.zero());
  }
  const steps = (count: number): string[] => {
    const body: string[] = [];
    for (let u = 0; u < count; u++) body.push(...tile.step(pa, (i) => i * s.rowStride + u * s.kStride, pb, u * bStride, bCol));
    return body;
  };
  const chunks = Math.floor(p.k / t.unroll);
  if (chunks > 0) {
    const body = [...steps(t.unroll), ...bump(pa, t.unroll * s.kStride), ...bump(pb, t.unroll * bStride)];
    lines.push(set(kk, i32(chunks)), '(loop $kl', ...body.map((l) => `  ${l}`),
      `  ${set(kk, `(i32.sub ${get(kk)} (i32.const 1))`)}`, `  (br_if $kl ${get(kk)})`, ')');
  }
  lines.push(...steps(p.k % t.unroll));
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
  emitTileLoops(b, { m: p.m, n: p.n, rows: t.rows, cols: t.cols, split: t.split, blockTiles: t.blockCols / t.cols },
    (rows, cols) => tileCode(b, p, t, rows, cols, out));
  return b.text();
}
