// The valid, strided 2-D convolution as an implicit GEMM, straight from NHWC memory:
// no im2col buffer. A register tile is `rows` adjacent output pixels of one output row
// times `cols` filters. For kernel row ky the window of pixel i is KW*C contiguous floats
// starting at a fixed distance i*strideWidth*C from pixel 0's, so each reduction step is
// a broadcast of one input float per pixel against a row of the HWIO kernel, exactly the
// GEMM micro-kernel with A's rows at constant offsets.

import { EpilogueWriter, plainEpilogue, type Epilogue } from './epilogue';
import { loopUntil, tiledLoop } from './gemm-loops';
import { RegisterTile } from './gemm-tile';
import { bump, FuncBuilder, get, i32, set, threadRange } from './gemm-wat';

export interface ConvCoreParams {
  readonly name: string;
  readonly batch: number;
  /** Input [batch, inHeight, inWidth, channels] at inOffset (already padded). */
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly inOffset: number;
  /** Kernel [kernelHeight, kernelWidth, channels, filters] at kernelOffset. */
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly filters: number;
  readonly kernelOffset: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  /** Output [batch, outHeight, outWidth, filters] at outOffset; rows m = (b*outHeight + oy)*outWidth + ox. */
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outOffset: number;
  readonly accumulate: boolean;
  readonly epilogue?: Epilogue;
  /** Register tile: pixels x filters (filters a multiple of 4). */
  readonly tile?: { readonly rows: number; readonly cols: number };
}

function tileCode(b: FuncBuilder, p: ConvCoreParams, rows: number, cols: number, out: EpilogueWriter): string[] {
  const tile = new RegisterTile(b, rows, cols);
  const c = p.channels;
  const segment = p.kernelWidth * c;
  const pixelStride = 4 * p.strideWidth * c;
  const inRow = 4 * p.inWidth * c;
  const kRow = 4 * p.filters;
  const lines = [
    set('pa', `(i32.add ${get('rowIn')} (i32.mul ${get('ox0')} ${i32(pixelStride)}))`),
    set('pb', `(i32.add ${i32(p.kernelOffset)} (i32.shl ${get('f0')} (i32.const 2)))`),
    set('mrow', `(i32.add (i32.mul ${get('r')} ${i32(p.outWidth)}) ${get('ox0')})`),
  ];
  if (p.accumulate) {
    lines.push(...tile.load((i) => `(i32.add ${i32(p.outOffset + 4 * i * p.filters)} (i32.shl (i32.add (i32.mul ${get('mrow')} ${i32(p.filters)}) ${get('f0')}) (i32.const 2)))`));
  } else {
    lines.push(...tile.zero());
  }
  // Loops, never unrolled: measured on conv1 (3x3x1), the fully unrolled window ran at
  // 15-24 GFLOP/s and these loops at 41-44 (bench/kernels/compare.ts).
  const step = [...tile.step('pa', (i) => i * pixelStride, 'pb', 0), ...bump('pa', 4), ...bump('pb', kRow)];
  const rowLoop = [set('kk', i32(0)), ...loopUntil('kl', 'kk', i32(segment), step), ...bump('pa', inRow - 4 * segment)];
  lines.push(set('ky', i32(0)), ...loopUntil('kyl', 'ky', i32(p.kernelHeight), rowLoop));
  for (let i = 0; i < rows; i++) {
    lines.push(...out.rowSetup(i, `(i32.add ${get('mrow')} ${i32(i)})`));
    for (let j = 0; j < tile.vecs; j++) lines.push(...out.store(i, get('f0'), j, tile.lanes(j), get(tile.acc(i, j))));
  }
  return lines;
}

export function emitConvCore(p: ConvCoreParams): string {
  const b = new FuncBuilder(p.name);
  for (const l of ['r', 'lo', 'hi', 'rowIn', 'ox0', 'f0', 'mrow', 'pa', 'pb', 'ky', 'kk']) b.local(l, 'i32');
  const rows = Math.min(p.tile?.rows ?? 4, p.outWidth);
  const cols = p.tile?.cols ?? 8;
  const out = new EpilogueWriter(b, p.epilogue ?? plainEpilogue(p.outOffset, p.filters), 'ep');
  const inImage = p.inHeight * p.inWidth * p.channels * 4;
  const rowBody = [
    set('rowIn', `(i32.add ${i32(p.inOffset)} (i32.add (i32.mul (i32.div_u ${get('r')} ${i32(p.outHeight)}) ${i32(inImage)})`
      + ` (i32.mul (i32.rem_u ${get('r')} ${i32(p.outHeight)}) ${i32(4 * p.strideHeight * p.inWidth * p.channels)})))`),
    ...tiledLoop('ox0', p.outWidth, rows, (r) => tiledLoop('f0', p.filters, cols, (c) => tileCode(b, p, r, c, out))),
  ];
  b.emit(...threadRange('lo', 'hi', p.batch * p.outHeight), set('r', get('lo')), ...loopUntil('rl', 'r', get('hi'), rowBody));
  return b.text();
}
