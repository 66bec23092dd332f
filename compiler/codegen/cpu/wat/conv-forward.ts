// emitConv2d: y = conv2d(x, kernel) (+ epilogue) on NHWC / HWIO, strides and valid/same
// padding. 'same' first copies x into a zero-bordered scratch tensor (a phase of its
// own), then both paddings run the same implicit-GEMM kernel (conv-core.ts).
//
// Emitters of multi-phase kernels return the phases in order: run them with a barrier
// between consecutive ones (emitStep / phaseCalls in barrier.ts).

import { checkEpilogue, type Epilogue } from './epilogue';
import { align16, checkGeometry, checkName, checkOffset, isPadded, type Conv2dGeometry } from './conv-geometry';
import { emitConvCore } from './conv-core';
import { emitPad, padBytes } from './conv-pad';
import type { WatFunction } from './module';

export interface Conv2dParams extends Conv2dGeometry {
  /** Name of the main phase; other phases get suffixes. */
  readonly name: string;
  readonly xOffset: number;
  readonly kernelOffset: number;
  /** Output [batch, outHeight, outWidth, filters]: the plain store, or what `accumulate` adds to. */
  readonly yOffset: number;
  readonly accumulate?: boolean;
  /** Rows m = (b*outHeight + oy)*outWidth + ox, columns the filters. */
  readonly epilogue?: Epilogue;
  /** Scratch area of conv2dScratchBytes(params) bytes (unused when that is 0). */
  readonly scratchOffset: number;
  readonly tile?: { readonly rows: number; readonly cols: number };
}

function paddedSize(g: Conv2dGeometry): { height: number; width: number; top: number; left: number } {
  const s = checkGeometry(g, 'conv2d');
  return { height: g.height + s.padTop + s.padBottom, width: g.width + s.padLeft + s.padRight, top: s.padTop, left: s.padLeft };
}

export function conv2dScratchBytes(g: Conv2dGeometry): number {
  if (!isPadded(checkGeometry(g, 'conv2d'))) return 0;
  const pad = paddedSize(g);
  return align16(padBytes({ batch: g.batch, dstHeight: pad.height, dstWidth: pad.width, channels: g.channels }));
}

export function emitConv2d(p: Conv2dParams): WatFunction[] {
  const where = `conv2d ${p.name}`;
  checkName(p.name, where);
  const s = checkGeometry(p, where);
  for (const o of ['xOffset', 'kernelOffset', 'yOffset', 'scratchOffset'] as const) checkOffset(p[o], o, where);
  if (p.epilogue) checkEpilogue(p.epilogue, where, p.filters);
  const phases: WatFunction[] = [];
  let input = { offset: p.xOffset, height: p.height, width: p.width };
  if (isPadded(s)) {
    const pad = paddedSize(p);
    phases.push(emitPad({
      name: `${p.name}_pad`, batch: p.batch, height: p.height, width: p.width, channels: p.channels, srcOffset: p.xOffset,
      dstOffset: p.scratchOffset, dstHeight: pad.height, dstWidth: pad.width, top: pad.top, left: pad.left, strideHeight: 1, strideWidth: 1,
    }));
    input = { offset: p.scratchOffset, height: pad.height, width: pad.width };
  }
  const text = emitConvCore({
    name: p.name, batch: p.batch, inHeight: input.height, inWidth: input.width, channels: p.channels, inOffset: input.offset,
    kernelHeight: p.kernelHeight, kernelWidth: p.kernelWidth, filters: p.filters, kernelOffset: p.kernelOffset,
    strideHeight: p.strideHeight, strideWidth: p.strideWidth, outHeight: s.outHeight, outWidth: s.outWidth, outOffset: p.yOffset,
    accumulate: p.accumulate ?? false, epilogue: p.epilogue, tile: p.tile,
  });
  phases.push({ name: p.name, text });
  return phases;
}
