// conv2d's shape rule and loop driver, shared with its two backprop ops.
// x: [N, H, W, Cin], w: [kh, kw, Cin, Cout] (HWIO), y: [N, outH, outW, Cout].

import type { Attrs, Shape, TensorType } from '../../ir/types';
import { formatShape } from '../../ir/types';
import type { PaddingMode } from './attrs';
import { attrPadding, attrPair } from './attrs';
import { f32, fail } from './check';
import type { WindowGeometry } from './window';
import { imageDims, windowGeometry, windowTaps } from './window';

export interface ConvAttrs {
  readonly strides: [number, number];
  readonly padding: PaddingMode;
}

export function convAttrs(op: string, attrs: Attrs): ConvAttrs {
  return { strides: attrPair(op, attrs, 'strides', [1, 1]), padding: attrPadding(op, attrs) };
}

/** The type conv2d gives for input `x` and a filter of shape `w`; ShapeError otherwise. */
export function convOutputType(op: string, x: TensorType, w: Shape, attrs: Attrs): TensorType {
  const { n, h, w: width, c } = imageDims(op, x, 'input');
  const [kh, kw, cin, cout] = w;
  if (w.length !== 4 || typeof kh !== 'number' || typeof kw !== 'number' || typeof cin !== 'number' || typeof cout !== 'number') {
    fail(op, `filter ${formatShape(w)} must be numeric [kh, kw, cin, cout]`);
  }
  if (c !== cin) fail(op, `input has ${c} channels but the filter ${formatShape(w)} expects ${cin}`);
  const { strides, padding } = convAttrs(op, attrs);
  const g = windowGeometry(op, 'kernel', h, width, [kh, kw], strides, padding);
  return f32([n, g.outH, g.outW, cout]);
}

export interface ConvLoop {
  readonly batch: number;
  readonly cin: number;
  readonly cout: number;
  readonly geometry: WindowGeometry;
}

export function convLoop(op: string, xShape: readonly number[], wShape: readonly number[], attrs: Attrs): ConvLoop {
  const { strides, padding } = convAttrs(op, attrs);
  const geometry = windowGeometry(op, 'kernel', xShape[1], xShape[2], [wShape[0], wShape[1]], strides, padding);
  return { batch: xShape[0], cin: wShape[2], cout: wShape[3], geometry };
}

/**
 * Calls visit(xBase, wBase, yBase) for every (example, output cell, in-bounds tap): the
 * flat offsets of x[n, ih, iw, 0], w[i, j, 0, 0] and y[n, oh, ow, 0].
 */
export function forEachConvTap(loop: ConvLoop, visit: (xBase: number, wBase: number, yBase: number) => void): void {
  const g = loop.geometry;
  for (let n = 0; n < loop.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        const yBase = ((n * g.outH + oh) * g.outW + ow) * loop.cout;
        for (const t of windowTaps(g, oh, ow)) {
          visit(((n * g.inH + t.ih) * g.inW + t.iw) * loop.cin, (t.i * g.kw + t.j) * loop.cin * loop.cout, yBase);
        }
      }
    }
  }
}
