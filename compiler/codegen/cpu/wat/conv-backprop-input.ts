// emitConv2dBackpropInput: dx = the gradient of conv2d with respect to its input.
// dx is itself a valid, stride-1 convolution: of dy spread out by the strides and
// zero-padded by kernel-1 (minus the forward padding) on each side, with the kernel
// rotated by 180 degrees and its channel/filter axes swapped. Phases:
//   1. pad:  dy -> scratch dyPad [batch, height+KH-1, width+KW-1, filters]
//   2. flip: kernel -> scratch rot [KH, KW, filters, channels]
//   3. the implicit-GEMM convolution (conv-core.ts) of dyPad with rot -> dx.
// Chosen over GEMM (dy·W^T) + col2im to avoid the column buffer (35 MB for the seed's
// conv2) and its scatter-add; the price is multiply-adds on the zero border (40% more
// for the seed's conv2: 15x15 padded windows for a 13x13 dx). Not measured against it.

import { checkEpilogue, type Epilogue } from './epilogue';
import { align16, checkGeometry, checkName, checkOffset, convShape, type Conv2dGeometry } from './conv-geometry';
import { emitConvCore } from './conv-core';
import { emitPad, padBytes } from './conv-pad';
import { loopUntil } from './gemm-loops';
import { FuncBuilder, get, i32, set, threadRange } from './gemm-wat';
import type { WatFunction } from './module';

export interface Conv2dBackpropInputParams extends Conv2dGeometry {
  readonly name: string;
  /** dy [batch, outHeight, outWidth, filters]. */
  readonly dyOffset: number;
  readonly kernelOffset: number;
  /** dx [batch, height, width, channels]: the plain store, or what `accumulate` adds to. */
  readonly dxOffset: number;
  readonly accumulate?: boolean;
  /** Rows m = (b*height + y)*width + x, columns the channels. */
  readonly epilogue?: Epilogue;
  /** Scratch area of conv2dBackpropInputScratchBytes(params) bytes. */
  readonly scratchOffset: number;
  readonly tile?: { readonly rows: number; readonly cols: number };
}

function layout(g: Conv2dGeometry): { padHeight: number; padWidth: number; padded: number; rotated: number } {
  const padHeight = g.height + g.kernelHeight - 1;
  const padWidth = g.width + g.kernelWidth - 1;
  const padded = align16(padBytes({ batch: g.batch, dstHeight: padHeight, dstWidth: padWidth, channels: g.filters }));
  const rotated = align16(4 * g.kernelHeight * g.kernelWidth * g.channels * g.filters);
  return { padHeight, padWidth, padded, rotated };
}

export function conv2dBackpropInputScratchBytes(g: Conv2dGeometry): number {
  checkGeometry(g, 'conv2dBackpropInput');
  const l = layout(g);
  return l.padded + l.rotated;
}

/** rot[ky, kx, f, c] = kernel[KH-1-ky, KW-1-kx, c, f]; rows (ky, kx, f) split among threads. */
function emitFlip(name: string, g: Conv2dGeometry, src: number, dst: number): WatFunction {
  const b = new FuncBuilder(name);
  for (const l of ['lo', 'hi', 'q', 'c', 'from', 'to']) b.local(l, 'i32');
  const taps = g.kernelHeight * g.kernelWidth;
  const f = g.filters;
  // Source tap of destination tap t is taps-1-t; element (tap, c, f) at ((tap*C + c)*F + f).
  const from = `(i32.add ${i32(src)} (i32.shl (i32.add (i32.mul (i32.sub ${i32(taps - 1)} (i32.div_u ${get('q')} ${i32(f)})) ${i32(g.channels * f)}) (i32.rem_u ${get('q')} ${i32(f)})) (i32.const 2)))`;
  const copy = [
    `(f32.store ${get('to')} (f32.load ${get('from')}))`,
    set('to', `(i32.add ${get('to')} (i32.const 4))`),
    set('from', `(i32.add ${get('from')} ${i32(4 * f)})`),
  ];
  const row = [set('from', from), set('to', `(i32.add ${i32(dst)} (i32.mul ${get('q')} ${i32(4 * g.channels)}))`),
    set('c', i32(0)), ...loopUntil('cl', 'c', i32(g.channels), copy)];
  b.emit(...threadRange('lo', 'hi', taps * f), set('q', get('lo')), ...loopUntil('ql', 'q', get('hi'), row));
  return { name, text: b.text() };
}

export function emitConv2dBackpropInput(p: Conv2dBackpropInputParams): WatFunction[] {
  const where = `conv2dBackpropInput ${p.name}`;
  checkName(p.name, where);
  const s = checkGeometry(p, where);
  for (const o of ['dyOffset', 'kernelOffset', 'dxOffset', 'scratchOffset'] as const) checkOffset(p[o], o, where);
  if (p.epilogue) checkEpilogue(p.epilogue, where);
  const l = layout(p);
  const padOffset = p.scratchOffset;
  const rotOffset = p.scratchOffset + l.padded;
  const shape = convShape(p);
  const pad = emitPad({
    name: `${p.name}_pad`, batch: p.batch, height: shape.outHeight, width: shape.outWidth, channels: p.filters, srcOffset: p.dyOffset,
    dstOffset: padOffset, dstHeight: l.padHeight, dstWidth: l.padWidth, top: p.kernelHeight - 1 - s.padTop, left: p.kernelWidth - 1 - s.padLeft,
    strideHeight: p.strideHeight, strideWidth: p.strideWidth,
  });
  const flip = emitFlip(`${p.name}_flip`, p, p.kernelOffset, rotOffset);
  const text = emitConvCore({
    name: p.name, batch: p.batch, inHeight: l.padHeight, inWidth: l.padWidth, channels: p.filters, inOffset: padOffset,
    kernelHeight: p.kernelHeight, kernelWidth: p.kernelWidth, filters: p.channels, kernelOffset: rotOffset,
    strideHeight: 1, strideWidth: 1, outHeight: p.height, outWidth: p.width, outOffset: p.dxOffset,
    accumulate: p.accumulate ?? false, epilogue: p.epilogue, tile: p.tile,
  });
  return [pad, flip, { name: p.name, text }];
}
