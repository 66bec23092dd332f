// Index math shared by conv2d and the pools (NHWC): output sizes and TF-style padding.
// valid: out = floor((in - k) / s) + 1, no padding.
// same:  out = ceil(in / s); total padding max((out - 1) * s + k - in, 0), the smaller half
//        before (top/left) and the larger after, as TensorFlow.

import type { Dim, TensorType } from '../../ir/types';
import { formatShape } from '../../ir/types';
import type { PaddingMode } from './attrs';
import { expectRank, fail } from './check';

export interface WindowGeometry {
  readonly inH: number;
  readonly inW: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly outH: number;
  readonly outW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** Output size and padding before, along one spatial axis. */
export function windowAxis(inSize: number, k: number, s: number, padding: PaddingMode): { out: number; padBefore: number } {
  if (padding === 'same') {
    const out = Math.ceil(inSize / s);
    const total = Math.max((out - 1) * s + k - inSize, 0);
    return { out, padBefore: Math.floor(total / 2) };
  }
  return { out: inSize >= k ? Math.floor((inSize - k) / s) + 1 : 0, padBefore: 0 };
}

/** `what` names the window in errors: 'kernel' for conv, 'pool' for pooling. */
export function windowGeometry(
  op: string, what: string, inH: number, inW: number,
  [kh, kw]: readonly [number, number], [sh, sw]: readonly [number, number], padding: PaddingMode,
): WindowGeometry {
  const h = windowAxis(inH, kh, sh, padding);
  const w = windowAxis(inW, kw, sw, padding);
  if (h.out < 1 || w.out < 1) fail(op, `${what} ${kh}x${kw} does not fit input ${inH}x${inW}`);
  return { inH, inW, kh, kw, sh, sw, outH: h.out, outW: w.out, padTop: h.padBefore, padLeft: w.padBefore };
}

/** The NHWC image dims of a type; H and W must be numbers (only the batch is symbolic). */
export function imageDims(op: string, t: TensorType, what: string): { n: Dim; h: number; w: number; c: Dim } {
  expectRank(op, t, 4, `${what} (NHWC)`);
  const [n, h, w, c] = t.shape;
  if (typeof h !== 'number' || typeof w !== 'number') fail(op, `${what} ${formatShape(t.shape)} needs numeric height and width`);
  return { n, h, w, c };
}

export interface Tap {
  /** Position in the window (row-major order: i over rows, j over columns). */
  readonly i: number;
  readonly j: number;
  /** The input cell it reads. */
  readonly ih: number;
  readonly iw: number;
}

/** The in-bounds taps of output cell (oh, ow), in row-major window order; padding is skipped. */
export function windowTaps(g: WindowGeometry, oh: number, ow: number): Tap[] {
  const taps: Tap[] = [];
  for (let i = 0; i < g.kh; i++) {
    const ih = oh * g.sh + i - g.padTop;
    if (ih < 0 || ih >= g.inH) continue;
    for (let j = 0; j < g.kw; j++) {
      const iw = ow * g.sw + j - g.padLeft;
      if (iw >= 0 && iw < g.inW) taps.push({ i, j, ih, iw });
    }
  }
  return taps;
}
