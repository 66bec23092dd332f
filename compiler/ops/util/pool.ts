// Pooling attributes, shape rule and loop driver shared by max/avg pooling and their
// gradients. Keras defaults: strides = poolSize, padding 'valid'.

import type { Attrs, Shape, TensorType } from '../../ir/types';
import type { PaddingMode } from './attrs';
import { attrPadding, attrPair } from './attrs';
import { f32 } from './check';
import type { Tap, WindowGeometry } from './window';
import { imageDims, windowGeometry, windowTaps } from './window';

export interface PoolAttrs {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: PaddingMode;
}

export function poolAttrs(op: string, attrs: Attrs): PoolAttrs {
  const poolSize = attrPair(op, attrs, 'poolSize');
  return { poolSize, strides: attrPair(op, attrs, 'strides', poolSize), padding: attrPadding(op, attrs) };
}

export function poolOutputShape(op: string, x: TensorType, attrs: Attrs): Shape {
  const { n, h, w, c } = imageDims(op, x, 'input');
  const p = poolAttrs(op, attrs);
  const g = windowGeometry(op, 'pool', h, w, p.poolSize, p.strides, p.padding);
  return [n, g.outH, g.outW, c];
}

export function poolOutputType(op: string, x: TensorType, attrs: Attrs): TensorType {
  return f32(poolOutputShape(op, x, attrs));
}

/** Attrs to hand on to a pool's gradient op (normalised pairs). */
export function poolAttrValues(p: PoolAttrs): Attrs {
  return { poolSize: p.poolSize, strides: p.strides, padding: p.padding };
}

/**
 * Calls visit(xBase, yIndex, taps) for every example, output cell and channel: xBase is
 * the offset of x[n, 0, 0, ch], a tap (ih, iw) is at xBase + (ih*W + iw)*C.
 */
export function forEachPoolWindow(
  op: string, xShape: readonly number[], attrs: Attrs,
  visit: (xBase: number, yIndex: number, taps: readonly Tap[], channels: number, g: WindowGeometry) => void,
): void {
  const [batch, h, w, channels] = xShape;
  const p = poolAttrs(op, attrs);
  const g = windowGeometry(op, 'pool', h, w, p.poolSize, p.strides, p.padding);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        const taps = windowTaps(g, oh, ow);
        for (let ch = 0; ch < channels; ch++) {
          visit(n * h * w * channels + ch, ((n * g.outH + oh) * g.outW + ow) * channels + ch, taps, channels, g);
        }
      }
    }
  }
}

/** Flat offset of tap t from xBase. */
export function tapOffset(t: Tap, g: WindowGeometry, channels: number): number {
  return (t.ih * g.inW + t.iw) * channels;
}

/** The flat index in x of the window's first maximum (row-major window order). */
export function firstMaxIndex(x: Float64Array, xBase: number, taps: readonly Tap[], channels: number, g: WindowGeometry): number {
  let best = -1;
  for (const t of taps) {
    const k = xBase + tapOffset(t, g, channels);
    if (best < 0 || x[k] > x[best]) best = k;
  }
  return best;
}
