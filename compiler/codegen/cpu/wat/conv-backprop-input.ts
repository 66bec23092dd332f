// emitConv2dBackpropInput: dx = the gradient of conv2d with respect to its input, in
// scatter form: every output pixel sends dy[b,oy,ox,:] · W[ky,kx]^T to input pixel
// (oy*sh+ky, ox*sw+kx). A register tile is `rows` adjacent dy pixels times `cols` input
// channels; for each kernel tap it reduces over the filters and adds the tile into dx.
// Exactly the forward's multiply-adds, where the gather form (a convolution of the
// zero-padded dy) would spend 40% more on the seed's conv2 on the zero border.
// Overlapping scatters from different dy rows make threads split by image: a thread
// owns its images' dx. Phases:
//   1. transpose: kernel [KH,KW,C,F] -> scratch kt [KH,KW,F,C] (so C is contiguous)
//   2. (padded and accumulating only) copy dx into a zero-bordered scratch image
//   3. scatter into dx, or into that padded scratch image
//   4. (padded only) crop the padded image back into dx

import { align16, checkGeometry, checkName, checkOffset, convShape, isPadded, type Conv2dGeometry, type ConvShape } from './conv-geometry';
import { emitCrop, emitPad, padBytes } from './conv-pad';
import { loopUntil, tiledLoop } from './gemm-loops';
import { RegisterTile } from './gemm-tile';
import { bump, FuncBuilder, get, i32, loadFloats, set, storeFloats, threadRange } from './gemm-wat';
import type { WatFunction } from './module';

export interface Conv2dBackpropInputParams extends Conv2dGeometry {
  readonly name: string;
  /** dy [batch, outHeight, outWidth, filters]. */
  readonly dyOffset: number;
  readonly kernelOffset: number;
  /** dx [batch, height, width, channels]. */
  readonly dxOffset: number;
  /** dx += instead of dx = . */
  readonly accumulate?: boolean;
  /** Scratch area of conv2dBackpropInputScratchBytes(params) bytes. */
  readonly scratchOffset: number;
  /** Register tile: dy pixels x input channels (channels a multiple of 4). */
  readonly tile?: { readonly rows: number; readonly cols: number };
}

interface Layout {
  readonly shape: ConvShape;
  /** The image dx is accumulated in: dx itself, or a zero-bordered scratch copy. */
  readonly height: number;
  readonly width: number;
  readonly transposed: number;
  readonly padded: number;
}

function layout(g: Conv2dGeometry): Layout {
  const shape = convShape(g);
  const transposed = align16(4 * g.kernelHeight * g.kernelWidth * g.channels * g.filters);
  if (!isPadded(shape)) return { shape, height: g.height, width: g.width, transposed, padded: 0 };
  const height = g.height + shape.padTop + shape.padBottom;
  const width = g.width + shape.padLeft + shape.padRight;
  return { shape, height, width, transposed, padded: align16(padBytes({ batch: g.batch, dstHeight: height, dstWidth: width, channels: g.channels })) };
}

export function conv2dBackpropInputScratchBytes(g: Conv2dGeometry): number {
  checkGeometry(g, 'conv2dBackpropInput');
  const l = layout(g);
  return l.transposed + l.padded;
}

/** kt[tap, f, c] = kernel[tap, c, f]; rows (tap, f) split among threads. */
function emitTranspose(name: string, g: Conv2dGeometry, src: number, dst: number): WatFunction {
  const b = new FuncBuilder(name);
  for (const l of ['lo', 'hi', 'q', 'c', 'from', 'to']) b.local(l, 'i32');
  const f = g.filters;
  const from = `(i32.add ${i32(src)} (i32.shl (i32.add (i32.mul (i32.div_u ${get('q')} ${i32(f)}) ${i32(g.channels * f)}) (i32.rem_u ${get('q')} ${i32(f)})) (i32.const 2)))`;
  const copy = [
    `(f32.store ${get('to')} (f32.load ${get('from')}))`,
    ...bump('to', 4),
    ...bump('from', 4 * f),
  ];
  const row = [set('from', from), set('to', `(i32.add ${i32(dst)} (i32.mul ${get('q')} ${i32(4 * g.channels)}))`),
    set('c', i32(0)), ...loopUntil('cl', 'c', i32(g.channels), copy)];
  b.emit(...threadRange('lo', 'hi', g.kernelHeight * g.kernelWidth * f), set('q', get('lo')), ...loopUntil('ql', 'q', get('hi'), row));
  return { name, text: b.text() };
}

/** One tile: for each kx, reduce dy pixels x kt[ky,kx] over the filters and add into the image. */
function tileCode(b: FuncBuilder, p: Conv2dBackpropInputParams, l: Layout, kt: number, rows: number, cols: number): string[] {
  const tile = new RegisterTile(b, rows, cols);
  const f = p.filters, c = p.channels;
  const pixel = 4 * c;
  const step = [...tile.step('pa', (i) => 4 * i * f, 'pb', 0), ...bump('pa', 4), ...bump('pb', 4 * c)];
  const addInto: string[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < tile.vecs; j++) {
      const off = i * p.strideWidth * pixel + 16 * j;
      const sum = `(f32x4.add ${loadFloats(get('pd'), off, tile.lanes(j))} ${get(tile.acc(i, j))})`;
      addInto.push(...storeFloats(get('pd'), off, tile.lanes(j), sum, b.local('w3', 'v128')));
    }
  }
  const tap = [
    set('pa', `(i32.add ${get('dyRow')} (i32.mul ${get('ox0')} ${i32(4 * f)}))`),
    set('pb', `(i32.add ${i32(kt)} (i32.add (i32.mul (i32.add ${get('kyTap')} ${get('kx')}) ${i32(4 * f * c)}) (i32.shl ${get('c0')} (i32.const 2))))`),
    ...tile.zero(),
    set('kk', i32(0)),
    ...loopUntil('fl', 'kk', i32(f), step),
    set('pd', `(i32.add ${get('dxRow')} (i32.add (i32.mul (i32.add (i32.mul ${get('ox0')} ${i32(p.strideWidth)}) ${get('kx')}) ${i32(pixel)}) (i32.shl ${get('c0')} (i32.const 2))))`),
    ...addInto,
  ];
  return [set('kx', i32(0)), ...loopUntil('kxl', 'kx', i32(p.kernelWidth), tap)];
}

function emitScatter(p: Conv2dBackpropInputParams, l: Layout, kt: number, image: number, zero: boolean): string {
  const b = new FuncBuilder(p.name);
  for (const v of ['lo', 'hi', 'b', 'oy', 'ky', 'kyTap', 'kx', 'ox0', 'c0', 'dyImage', 'dxImage', 'dyRow', 'dxRow', 'pa', 'pb', 'pd', 'kk']) b.local(v, 'i32');
  const { outHeight, outWidth } = l.shape;
  const rows = Math.min(p.tile?.rows ?? 4, outWidth);
  const cols = p.tile?.cols ?? 8;
  const imageBytes = 4 * l.height * l.width * p.channels;
  const kyBody = [
    set('kyTap', `(i32.mul ${get('ky')} ${i32(p.kernelWidth)})`),
    set('dxRow', `(i32.add ${get('dxImage')} (i32.mul (i32.add (i32.mul ${get('oy')} ${i32(p.strideHeight)}) ${get('ky')}) ${i32(4 * l.width * p.channels)}))`),
    ...tiledLoop('ox0', outWidth, rows, (r) => tiledLoop('c0', p.channels, cols, (c) => tileCode(b, p, l, kt, r, c))),
  ];
  const oyBody = [
    set('dyRow', `(i32.add ${get('dyImage')} (i32.mul ${get('oy')} ${i32(4 * outWidth * p.filters)}))`),
    set('ky', i32(0)), ...loopUntil('kyl', 'ky', i32(p.kernelHeight), kyBody),
  ];
  const imageBody = [
    set('dyImage', `(i32.add ${i32(p.dyOffset)} (i32.mul ${get('b')} ${i32(4 * outHeight * outWidth * p.filters)}))`),
    set('dxImage', `(i32.add ${i32(image)} (i32.mul ${get('b')} ${i32(imageBytes)}))`),
    ...(zero ? [`(memory.fill ${get('dxImage')} (i32.const 0) ${i32(imageBytes)})`] : []),
    set('oy', i32(0)), ...loopUntil('oyl', 'oy', i32(outHeight), oyBody),
  ];
  b.emit(...threadRange('lo', 'hi', p.batch), set('b', get('lo')), ...loopUntil('bl', 'b', get('hi'), imageBody));
  return b.text();
}

export function emitConv2dBackpropInput(p: Conv2dBackpropInputParams): WatFunction[] {
  const where = `conv2dBackpropInput ${p.name}`;
  checkName(p.name, where);
  checkGeometry(p, where);
  for (const o of ['dyOffset', 'kernelOffset', 'dxOffset', 'scratchOffset'] as const) checkOffset(p[o], o, where);
  const l = layout(p);
  const kt = p.scratchOffset;
  const accumulate = p.accumulate ?? false;
  const phases = [emitTranspose(`${p.name}_transpose`, p, p.kernelOffset, kt)];
  if (!l.padded) {
    phases.push({ name: p.name, text: emitScatter(p, l, kt, p.dxOffset, !accumulate) });
    return phases;
  }
  const image = p.scratchOffset + l.transposed;
  const window = { batch: p.batch, channels: p.channels, top: l.shape.padTop, left: l.shape.padLeft };
  if (accumulate) {
    phases.push(emitPad({ ...window, name: `${p.name}_pad`, height: p.height, width: p.width, srcOffset: p.dxOffset, dstOffset: image,
      dstHeight: l.height, dstWidth: l.width, strideHeight: 1, strideWidth: 1 }));
  }
  phases.push({ name: p.name, text: emitScatter(p, l, kt, image, !accumulate) });
  phases.push(emitCrop({ ...window, name: `${p.name}_crop`, height: p.height, width: p.width, dstOffset: p.dxOffset, srcOffset: image,
    srcHeight: l.height, srcWidth: l.width }));
  return phases;
}
