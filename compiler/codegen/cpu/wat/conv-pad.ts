// Copies an NHWC tensor into a larger zero-filled one, optionally spreading it out
// (dilation): source pixel (y, x) lands at (top + y*strideHeight, left + x*strideWidth).
// Convolutions use it to turn 'same' padding into 'valid', and to build the padded,
// dilated gradient that the input gradient is a plain convolution of.
// Rows of the destination are split among threads; memory.fill/copy do the bytes.

import { checkName, checkOffset } from './conv-geometry';
import { FuncBuilder, get, i32, set, threadRange } from './gemm-wat';
import { loopUntil } from './gemm-loops';
import type { WatFunction } from './module';

export interface PadParams {
  readonly name: string;
  /** Source [batch, height, width, channels] at srcOffset. */
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly srcOffset: number;
  /** Destination [batch, dstHeight, dstWidth, channels] at dstOffset. */
  readonly dstOffset: number;
  readonly dstHeight: number;
  readonly dstWidth: number;
  readonly top: number;
  readonly left: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
}

function checkPad(p: PadParams): void {
  const where = `pad ${p.name}`;
  checkName(p.name, where);
  checkOffset(p.srcOffset, 'srcOffset', where);
  checkOffset(p.dstOffset, 'dstOffset', where);
  if (p.top < 0 || p.left < 0 || p.top + (p.height - 1) * p.strideHeight >= p.dstHeight || p.left + (p.width - 1) * p.strideWidth >= p.dstWidth) {
    throw new Error(`${where}: a ${p.height}x${p.width} source at (${p.top}, ${p.left}) with strides ${p.strideHeight}x${p.strideWidth} does not fit ${p.dstHeight}x${p.dstWidth}`);
  }
}

/** Bytes of the destination. */
export function padBytes(p: Pick<PadParams, 'batch' | 'dstHeight' | 'dstWidth' | 'channels'>): number {
  return 4 * p.batch * p.dstHeight * p.dstWidth * p.channels;
}

/** Lines that copy source row `srcRow` (WAT i32 address) into destination row `dstRow`. */
function copyRow(b: FuncBuilder, p: PadParams, dstRow: string, srcRow: string): string[] {
  const pixel = 4 * p.channels;
  const rowBytes = p.dstWidth * pixel;
  if (p.strideWidth === 1) {
    const before = p.left * pixel;
    const after = rowBytes - before - p.width * pixel;
    return [
      ...(before ? [`(memory.fill ${dstRow} (i32.const 0) ${i32(before)})`] : []),
      `(memory.copy (i32.add ${dstRow} ${i32(before)}) ${srcRow} ${i32(p.width * pixel)})`,
      ...(after ? [`(memory.fill (i32.add ${dstRow} ${i32(rowBytes - after)}) (i32.const 0) ${i32(after)})`] : []),
    ];
  }
  b.local('x', 'i32');
  const dstPixel = `(i32.add ${dstRow} (i32.add ${i32(p.left * pixel)} (i32.mul ${get('x')} ${i32(p.strideWidth * pixel)})))`;
  const srcPixel = `(i32.add ${srcRow} (i32.mul ${get('x')} ${i32(pixel)}))`;
  return [
    `(memory.fill ${dstRow} (i32.const 0) ${i32(rowBytes)})`,
    set('x', i32(0)),
    ...loopUntil('xl', 'x', i32(p.width), [`(memory.copy ${dstPixel} ${srcPixel} ${i32(pixel)})`]),
  ];
}

export function emitPad(p: PadParams): WatFunction {
  checkPad(p);
  const b = new FuncBuilder(p.name);
  for (const l of ['lo', 'hi', 'r', 'y', 'dst', 'src']) b.local(l, 'i32');
  const rowBytes = 4 * p.dstWidth * p.channels;
  const srcRowBytes = 4 * p.width * p.channels;
  // y = destination row within the image minus top; a source row when y = k*strideHeight, k < height.
  const y = `(i32.sub (i32.rem_u ${get('r')} ${i32(p.dstHeight)}) ${i32(p.top)})`;
  const isSource = `(i32.and (i32.and (i32.ge_s ${get('y')} (i32.const 0)) (i32.eqz (i32.rem_s ${get('y')} ${i32(p.strideHeight)})))`
    + ` (i32.lt_s ${get('y')} ${i32(p.height * p.strideHeight)}))`;
  const srcRow = `(i32.add ${i32(p.srcOffset)} (i32.mul (i32.add (i32.mul (i32.div_u ${get('r')} ${i32(p.dstHeight)}) ${i32(p.height)}) (i32.div_s ${get('y')} ${i32(p.strideHeight)})) ${i32(srcRowBytes)}))`;
  const body = [
    set('dst', `(i32.add ${i32(p.dstOffset)} (i32.mul ${get('r')} ${i32(rowBytes)}))`),
    set('y', y),
    `(if ${isSource}`,
    '  (then',
    `    ${set('src', srcRow)}`,
    ...copyRow(b, p, get('dst'), get('src')).map((l) => `    ${l}`),
    '  )',
    `  (else (memory.fill ${get('dst')} (i32.const 0) ${i32(rowBytes)}))`,
    ')',
  ];
  b.emit(...threadRange('lo', 'hi', p.batch * p.dstHeight), set('r', get('lo')), ...loopUntil('rl', 'r', get('hi'), body));
  return { name: p.name, text: b.text() };
}

export interface CropParams {
  readonly name: string;
  /** Destination [batch, height, width, channels] at dstOffset. */
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly dstOffset: number;
  /** Source [batch, srcHeight, srcWidth, channels]; the window starts at (top, left). */
  readonly srcOffset: number;
  readonly srcHeight: number;
  readonly srcWidth: number;
  readonly top: number;
  readonly left: number;
}

/** The inverse of a stride-1 pad: copies the window of each source image into dst. */
export function emitCrop(p: CropParams): WatFunction {
  const where = `crop ${p.name}`;
  checkName(p.name, where);
  checkOffset(p.srcOffset, 'srcOffset', where);
  checkOffset(p.dstOffset, 'dstOffset', where);
  if (p.top < 0 || p.left < 0 || p.top + p.height > p.srcHeight || p.left + p.width > p.srcWidth) {
    throw new Error(`${where}: a ${p.height}x${p.width} window at (${p.top}, ${p.left}) does not fit ${p.srcHeight}x${p.srcWidth}`);
  }
  const b = new FuncBuilder(p.name);
  for (const l of ['lo', 'hi', 'r']) b.local(l, 'i32');
  const pixel = 4 * p.channels;
  // Destination row r = b*height + y comes from source row b*srcHeight + y + top.
  const srcRow = `(i32.add (i32.mul (i32.div_u ${get('r')} ${i32(p.height)}) ${i32(p.srcHeight)}) (i32.add (i32.rem_u ${get('r')} ${i32(p.height)}) ${i32(p.top)}))`;
  const copy = `(memory.copy (i32.add ${i32(p.dstOffset)} (i32.mul ${get('r')} ${i32(p.width * pixel)}))`
    + ` (i32.add ${i32(p.srcOffset + p.left * pixel)} (i32.mul ${srcRow} ${i32(p.srcWidth * pixel)})) ${i32(p.width * pixel)})`;
  b.emit(...threadRange('lo', 'hi', p.batch * p.height), set('r', get('lo')), ...loopUntil('rl', 'r', get('hi'), [copy]));
  return { name: p.name, text: b.text() };
}
