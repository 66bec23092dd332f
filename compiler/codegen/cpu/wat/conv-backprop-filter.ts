// emitConv2dBackpropFilter: dW[ky,kx,c,f] = sum over images and output pixels of
// x[b, oy*sh+ky, ox*sw+kx, c] * dy[b, oy, ox, f], i.e. im2col(x)^T · dy without the
// im2col buffer. A register tile is `rows` consecutive (kx, c) entries of one kernel
// row ky (consecutive floats of x, so A's rows sit 4 bytes apart) times `cols` filters.
// Images are the outer loop: one image of x and dy stays in cache while every tile of
// dW takes its share, and dW's tiles (split among threads) are summed in place.
// 'same' padding first copies x into a zero-bordered scratch tensor.

import { align16, checkGeometry, checkName, checkOffset, isPadded, type Conv2dGeometry } from './conv-geometry';
import { plainEpilogue, EpilogueWriter } from './epilogue';
import { emitPad, padBytes } from './conv-pad';
import { loopUntil, remainderSwitch } from './gemm-loops';
import { RegisterTile } from './gemm-tile';
import { bump, FuncBuilder, get, i32, set, threadRange } from './gemm-wat';
import type { WatFunction } from './module';

export interface Conv2dBackpropFilterParams extends Conv2dGeometry {
  readonly name: string;
  readonly xOffset: number;
  /** dy [batch, outHeight, outWidth, filters]. */
  readonly dyOffset: number;
  /** dW [kernelHeight, kernelWidth, channels, filters]. */
  readonly dwOffset: number;
  /** dW += instead of dW = . */
  readonly accumulate?: boolean;
  /** Scratch area of conv2dBackpropFilterScratchBytes(params) bytes (unused when that is 0). */
  readonly scratchOffset: number;
  readonly tile?: { readonly rows: number; readonly cols: number };
}

export function conv2dBackpropFilterScratchBytes(g: Conv2dGeometry): number {
  const s = checkGeometry(g, 'conv2dBackpropFilter');
  if (!isPadded(s)) return 0;
  return align16(padBytes({ batch: g.batch, dstHeight: g.height + s.padTop + s.padBottom, dstWidth: g.width + s.padLeft + s.padRight, channels: g.channels }));
}

interface Plan {
  readonly p: Conv2dBackpropFilterParams;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inOffset: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly rows: number;
  readonly cols: number;
  /** Row tiles per kernel row, column tiles. */
  readonly segTiles: number;
  readonly fTiles: number;
}

function tileCode(b: FuncBuilder, pl: Plan, rows: number, cols: number, out: EpilogueWriter): string[] {
  const { p } = pl;
  const tile = new RegisterTile(b, rows, cols);
  const c = p.channels;
  const dwRow = (i: number): string => `(i32.add ${i32(p.dwOffset + 4 * i * p.filters)} (i32.shl (i32.add (i32.mul ${get('kc0')} ${i32(p.filters)}) ${get('f0')}) (i32.const 2)))`;
  const init = p.accumulate ? tile.load(dwRow)
    : [`(if (i32.eqz ${get('b')})`, '  (then', ...tile.zero().map((l) => `    ${l}`), '  )', '  (else', ...tile.load(dwRow).map((l) => `    ${l}`), '  )', ')'];
  const step = [...tile.step('pa', (i) => 4 * i, 'pb', 0), ...bump('pa', 4 * p.strideWidth * c), ...bump('pb', 4 * p.filters)];
  const rowLoop = [set('ox', i32(0)), ...loopUntil('oxl', 'ox', i32(pl.outWidth), step),
    ...bump('pa', 4 * c * (p.strideHeight * pl.inWidth - pl.outWidth * p.strideWidth))];
  const lines = [
    ...init,
    // x[b, ky, 0, 0] + the tile's first (kx, c) entry; dy[b, 0, 0, f0].
    set('pa', `(i32.add (i32.add ${get('xImage')} (i32.mul ${get('ky')} ${i32(4 * pl.inWidth * c)})) (i32.shl ${get('within0')} (i32.const 2)))`),
    set('pb', `(i32.add ${get('dyImage')} (i32.shl ${get('f0')} (i32.const 2)))`),
    set('oy', i32(0)),
    ...loopUntil('oyl', 'oy', i32(pl.outHeight), rowLoop),
  ];
  for (let i = 0; i < rows; i++) {
    lines.push(...out.rowSetup(i, `(i32.add ${get('kc0')} ${i32(i)})`));
    for (let j = 0; j < tile.vecs; j++) lines.push(...out.store(i, get('f0'), j, tile.lanes(j), get(tile.acc(i, j))));
  }
  return lines;
}

function emitMain(pl: Plan): string {
  const { p } = pl;
  const b = new FuncBuilder(p.name);
  for (const l of ['lo', 'hi', 't', 'b', 'ky', 'st', 'ft', 'kc0', 'within0', 'f0', 'xImage', 'dyImage', 'pa', 'pb', 'oy', 'ox']) b.local(l, 'i32');
  const out = new EpilogueWriter(b, plainEpilogue(p.dwOffset, p.filters), 'ep');
  const segment = p.kernelWidth * p.channels;
  const rowRem = segment % pl.rows;
  const colRem = p.filters % pl.cols;
  const perKy = pl.segTiles * pl.fTiles;
  const byCols = (rows: number): string[] => remainderSwitch(`(i32.eq ${get('ft')} ${i32(pl.fTiles - 1)})`, colRem,
    tileCode(b, pl, rows, pl.cols, out), () => tileCode(b, pl, rows, colRem, out));
  const tileBody = [
    set('ky', `(i32.div_u ${get('t')} ${i32(perKy)})`),
    set('st', `(i32.rem_u (i32.div_u ${get('t')} ${i32(pl.fTiles)}) ${i32(pl.segTiles)})`),
    set('ft', `(i32.rem_u ${get('t')} ${i32(pl.fTiles)})`),
    set('within0', `(i32.mul ${get('st')} ${i32(pl.rows)})`),
    set('kc0', `(i32.add (i32.mul ${get('ky')} ${i32(segment)}) ${get('within0')})`),
    set('f0', `(i32.mul ${get('ft')} ${i32(pl.cols)})`),
    ...remainderSwitch(`(i32.eq ${get('st')} ${i32(pl.segTiles - 1)})`, rowRem, byCols(pl.rows), () => byCols(rowRem)),
  ];
  const imageBody = [
    set('xImage', `(i32.add ${i32(pl.inOffset)} (i32.mul ${get('b')} ${i32(4 * pl.inHeight * pl.inWidth * p.channels)}))`),
    set('dyImage', `(i32.add ${i32(p.dyOffset)} (i32.mul ${get('b')} ${i32(4 * pl.outHeight * pl.outWidth * p.filters)}))`),
    set('t', get('lo')),
    ...loopUntil('tl', 't', get('hi'), tileBody),
  ];
  b.emit(...threadRange('lo', 'hi', p.kernelHeight * perKy), set('b', i32(0)), ...loopUntil('bl', 'b', i32(p.batch), imageBody));
  return b.text();
}

export function emitConv2dBackpropFilter(p: Conv2dBackpropFilterParams): WatFunction[] {
  const where = `conv2dBackpropFilter ${p.name}`;
  checkName(p.name, where);
  const s = checkGeometry(p, where);
  for (const o of ['xOffset', 'dyOffset', 'dwOffset', 'scratchOffset'] as const) checkOffset(p[o], o, where);
  const phases: WatFunction[] = [];
  let input = { offset: p.xOffset, height: p.height, width: p.width };
  if (isPadded(s)) {
    const height = p.height + s.padTop + s.padBottom, width = p.width + s.padLeft + s.padRight;
    phases.push(emitPad({
      name: `${p.name}_pad`, batch: p.batch, height: p.height, width: p.width, channels: p.channels, srcOffset: p.xOffset,
      dstOffset: p.scratchOffset, dstHeight: height, dstWidth: width, top: s.padTop, left: s.padLeft, strideHeight: 1, strideWidth: 1,
    }));
    input = { offset: p.scratchOffset, height, width };
  }
  const segment = p.kernelWidth * p.channels;
  const rows = Math.min(p.tile?.rows ?? 4, segment);
  const cols = p.tile?.cols ?? 8;
  const plan: Plan = {
    p, inHeight: input.height, inWidth: input.width, inOffset: input.offset, outHeight: s.outHeight, outWidth: s.outWidth,
    rows, cols, segTiles: Math.ceil(segment / rows), fTiles: Math.ceil(p.filters / cols),
  };
  phases.push({ name: p.name, text: emitMain(plan) });
  return phases;
}
