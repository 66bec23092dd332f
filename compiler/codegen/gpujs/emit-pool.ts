// Max and average pooling and their gradients, NHWC. Padded cells never win a max and do
// not count in an average (TF); the max gradient goes to the window's first maximum in
// row-major window order, the same tie rule as the reference.

import { poolAttrs } from '../../ops/util/pool';
import type { WindowGeometry } from '../../ops/util/window';
import { windowGeometry } from '../../ops/util/window';
import type { EmitArgs, GpuTensorArg } from './kernel';
import { linearIndex } from './layout';
import { renderNumber } from './render-scalar';
import { colAxis, inputOfTap, outputOfTap, pixel, rowAxis } from './window';
import type { SourceWriter } from './writer';

function geometry(op: string, a: EmitArgs, image: readonly number[]): WindowGeometry {
  const p = poolAttrs(op, a.attrs);
  return windowGeometry(op, 'pool', image[1], image[2], p.poolSize, p.strides, p.padding);
}

/** Calls visit(ih, iw) for every in-bounds cell of window (oh, ow), in row-major window order. */
function forEachCell(w: SourceWriter, g: WindowGeometry, oh: string, ow: string, visit: (ih: string, iw: string) => void): void {
  w.loop('ph', g.kh, (ph) => {
    const ih = inputOfTap(w, rowAxis(g), oh, ph);
    w.guard(ih.conditions, () => w.loop('pw', g.kw, (pw) => {
      const iw = inputOfTap(w, colAxis(g), ow, pw);
      w.guard(iw.conditions, () => visit(ih.name, iw.name));
    }));
  });
}

/** Declares the first maximum of window (oh, ow) of x; returns [value, row-major cell index ih*W + iw]. */
function firstMax(w: SourceWriter, g: WindowGeometry, x: GpuTensorArg, n: string, oh: string, ow: string, c: string): [string, string] {
  const best = w.fresh('best');
  const at = w.fresh('at');
  w.line(`let ${best} = 0;`);
  w.line(`let ${at} = -1;`);
  forEachCell(w, g, oh, ow, (ih, iw) => {
    const v = w.fresh('v');
    w.line(`const ${v} = ${x.name}[${pixel(x.shape, n, ih, iw, c)}];`);
    w.block(`if (${at} < 0 || ${v} > ${best})`, () => {
      w.line(`${best} = ${v};`);
      w.line(`${at} = ${linearIndex([[ih, g.inW], [iw, 1]])};`);
    });
  });
  return [best, at];
}

/** Calls visit(oh, ow) for every window that covers input cell (ih, iw), each once. */
function forEachWindowOf(w: SourceWriter, g: WindowGeometry, ih: string, iw: string, visit: (oh: string, ow: string) => void): void {
  w.loop('kh', g.kh, (kh) => {
    const oh = outputOfTap(w, rowAxis(g), ih, kh);
    w.guard(oh.conditions, () => w.loop('kw', g.kw, (kw) => {
      const ow = outputOfTap(w, colAxis(g), iw, kw);
      w.guard(ow.conditions, () => visit(oh.name, ow.name));
    }));
  });
}

export function emitMaxPool2d(a: EmitArgs): string {
  const [x] = a.inputs;
  const [n, oh, ow, c] = a.coords;
  return firstMax(a.w, geometry('maxPool2d', a, x.shape), x, n, oh, ow, c)[0];
}

/** dx[n, ih, iw, c] = sum of dy over the windows whose first maximum is (ih, iw). */
export function emitMaxPool2dGrad(a: EmitArgs): string {
  const { w } = a;
  const [x, dy] = a.inputs;
  const [n, ih, iw, c] = a.coords;
  const g = geometry('maxPool2dGrad', a, x.shape);
  const acc = w.fresh('acc');
  w.line(`let ${acc} = 0;`);
  forEachWindowOf(w, g, ih, iw, (oh, ow) => {
    const [, at] = firstMax(w, g, x, n, oh, ow, c);
    w.block(`if (${at} === ${linearIndex([[ih, g.inW], [iw, 1]])})`, () => {
      w.line(`${acc} += ${dy.name}[${pixel(dy.shape, n, oh, ow, c)}];`);
    });
  });
  return acc;
}

export function emitAvgPool2d(a: EmitArgs): string {
  const { w } = a;
  const [x] = a.inputs;
  const [n, oh, ow, c] = a.coords;
  const sum = w.fresh('sum');
  const count = w.fresh('cnt');
  w.line(`let ${sum} = 0;`);
  w.line(`let ${count} = 0;`);
  forEachCell(w, geometry('avgPool2d', a, x.shape), oh, ow, (ih, iw) => {
    w.line(`${sum} += ${x.name}[${pixel(x.shape, n, ih, iw, c)}];`);
    w.line(`${count} += 1;`);
  });
  return `${sum} / ${count}`;
}

/** In-bounds cells of window o along one axis: min(o*s - pad + k, extent) - max(o*s - pad, 0). */
function cellsAlong(o: string, stride: number, pad: number, size: number, extent: number): string {
  const start = `${o} * ${stride} - ${renderNumber(pad)}`;
  return `(Math.min(${start} + ${size}, ${extent}) - Math.max(${start}, 0))`;
}

/** dx[n, ih, iw, c] = sum over the windows covering (ih, iw) of dy / (in-bounds cells of that window). */
export function emitAvgPool2dGrad(a: EmitArgs): string {
  const { w, out } = a;
  const [dy] = a.inputs;
  const [n, ih, iw, c] = a.coords;
  const g = geometry('avgPool2dGrad', a, out);
  const acc = w.fresh('acc');
  w.line(`let ${acc} = 0;`);
  forEachWindowOf(w, g, ih, iw, (oh, ow) => {
    const cells = `${cellsAlong(oh, g.sh, g.padTop, g.kh, g.inH)} * ${cellsAlong(ow, g.sw, g.padLeft, g.kw, g.inW)}`;
    w.line(`${acc} += ${dy.name}[${pixel(dy.shape, n, oh, ow, c)}] / (${cells});`);
  });
  return acc;
}
