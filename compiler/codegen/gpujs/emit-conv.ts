// conv2d and its two gradients, NHWC images and HWIO filters. Each output element is a
// direct loop over the taps that reach it (no im2col): one gather per element.

import { convAttrs } from '../../ops/util/conv';
import { windowGeometry } from '../../ops/util/window';
import type { EmitArgs } from './kernel';
import { linearIndex } from './layout';
import { colAxis, inputOfTap, outputOfTap, pixel, rowAxis } from './window';

/** Flat HWIO offset of [kh, kw, ci, co] in a filter of `shape`. */
function tap(shape: readonly number[], kh: string, kw: string, ci: string, co: string): string {
  const [, kw_, cin, cout] = shape;
  return linearIndex([[kh, kw_ * cin * cout], [kw, cin * cout], [ci, cout], [co, 1]]);
}

/** y[n, oh, ow, co] = sum over taps (kh, kw) in bounds and ci of x[n, ih, iw, ci] * w[kh, kw, ci, co]. */
export function emitConv2d({ w, attrs, inputs: [x, f], coords: [n, oh, ow, co] }: EmitArgs): string {
  const { strides, padding } = convAttrs('conv2d', attrs);
  const g = windowGeometry('conv2d', 'kernel', x.shape[1], x.shape[2], [f.shape[0], f.shape[1]], strides, padding);
  const acc = w.fresh('acc');
  w.line(`let ${acc} = 0;`);
  w.loop('kh', g.kh, (kh) => {
    const ih = inputOfTap(w, rowAxis(g), oh, kh);
    w.guard(ih.conditions, () => w.loop('kw', g.kw, (kw) => {
      const iw = inputOfTap(w, colAxis(g), ow, kw);
      w.guard(iw.conditions, () => w.loop('ci', x.shape[3], (ci) => {
        w.line(`${acc} += ${x.name}[${pixel(x.shape, n, ih.name, iw.name, ci)}] * ${f.name}[${tap(f.shape, kh, kw, ci, co)}];`);
      }));
    }));
  });
  return acc;
}

/** dx[n, ih, iw, ci] = sum over the (oh, ow, kh, kw) that read it, and co, of dy[n, oh, ow, co] * w[kh, kw, ci, co]. */
export function emitConv2dBackpropInput({ w, attrs, inputs: [dy, f], out, coords: [n, ih, iw, ci] }: EmitArgs): string {
  const { strides, padding } = convAttrs('conv2dBackpropInput', attrs);
  const g = windowGeometry('conv2dBackpropInput', 'kernel', out[1], out[2], [f.shape[0], f.shape[1]], strides, padding);
  const acc = w.fresh('acc');
  w.line(`let ${acc} = 0;`);
  w.loop('kh', g.kh, (kh) => {
    const oh = outputOfTap(w, rowAxis(g), ih, kh);
    w.guard(oh.conditions, () => w.loop('kw', g.kw, (kw) => {
      const ow = outputOfTap(w, colAxis(g), iw, kw);
      w.guard(ow.conditions, () => w.loop('co', f.shape[3], (co) => {
        w.line(`${acc} += ${dy.name}[${pixel(dy.shape, n, oh.name, ow.name, co)}] * ${f.name}[${tap(f.shape, kh, kw, ci, co)}];`);
      }));
    }));
  });
  return acc;
}

/** dw[kh, kw, ci, co] = sum over n and output cells (oh, ow) of x[n, ih, iw, ci] * dy[n, oh, ow, co]. */
export function emitConv2dBackpropFilter({ w, attrs, inputs: [x, dy], out, coords: [kh, kw, ci, co] }: EmitArgs): string {
  const { strides, padding } = convAttrs('conv2dBackpropFilter', attrs);
  const g = windowGeometry('conv2dBackpropFilter', 'kernel', x.shape[1], x.shape[2], [out[0], out[1]], strides, padding);
  const acc = w.fresh('acc');
  w.line(`let ${acc} = 0;`);
  w.loop('n', x.shape[0], (n) => w.loop('oh', g.outH, (oh) => {
    const ih = inputOfTap(w, rowAxis(g), oh, kh);
    w.guard(ih.conditions, () => w.loop('ow', g.outW, (ow) => {
      const iw = inputOfTap(w, colAxis(g), ow, kw);
      w.guard(iw.conditions, () => {
        w.line(`${acc} += ${x.name}[${pixel(x.shape, n, ih.name, iw.name, ci)}] * ${dy.name}[${pixel(dy.shape, n, oh, ow, co)}];`);
      });
    }));
  }));
  return acc;
}
