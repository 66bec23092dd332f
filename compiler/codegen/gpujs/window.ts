// Index math shared by the convolution and pooling kernels, one spatial axis at a time.
// Geometry (output sizes, TF-style padding) comes from the ops' own windowGeometry, so
// codegen and the reference cannot disagree about it.

import type { WindowGeometry } from '../../ops/util/window';
import { affineIndex, linearIndex } from './layout';
import { renderNumber } from './render-scalar';
import type { SourceWriter } from './writer';

/** Flat NHWC offset of [n, h, w, c] in an image of `shape`. */
export function pixel(shape: readonly number[], n: string, h: string, w: string, c: string): string {
  const [, height, width, channels] = shape;
  return linearIndex([[n, height * width * channels], [h, width * channels], [w, channels], [c, 1]]);
}

/** One spatial axis of a window op: input extent, window size, stride, output extent, padding before. */
export interface WindowAxis {
  readonly extent: number;
  readonly size: number;
  readonly stride: number;
  readonly out: number;
  readonly pad: number;
}

export function rowAxis(g: WindowGeometry): WindowAxis {
  return { extent: g.inH, size: g.kh, stride: g.sh, out: g.outH, pad: g.padTop };
}

export function colAxis(g: WindowGeometry): WindowAxis {
  return { extent: g.inW, size: g.kw, stride: g.sw, out: g.outW, pad: g.padLeft };
}

/** An index declared in the source, and the conditions under which it is in range. */
export interface GuardedIndex {
  readonly name: string;
  readonly conditions: readonly string[];
}

/**
 * Gather direction: the input position read by output position `o` at window tap `t`,
 * i = o*stride + t - pad. Bounds are checked only where padding can put i outside.
 */
export function inputOfTap(w: SourceWriter, axis: WindowAxis, o: string, t: string): GuardedIndex {
  const name = w.fresh('p');
  w.line(`const ${name} = ${affineIndex([[o, axis.stride], [t, 1]], -axis.pad)};`);
  const conditions: string[] = [];
  if (axis.pad > 0) conditions.push(`${name} >= 0`);
  if ((axis.out - 1) * axis.stride + axis.size - 1 - axis.pad >= axis.extent) conditions.push(`${name} < ${axis.extent}`);
  return { name, conditions };
}

/**
 * Scatter direction: the output position whose window reads input position `i` at tap
 * `t`, o = (i + pad - t) / stride when that is a whole number in range.
 */
export function outputOfTap(w: SourceWriter, axis: WindowAxis, i: string, t: string): GuardedIndex {
  const shifted = w.fresh('t');
  const offset = axis.pad === 0 ? '' : ` + ${renderNumber(axis.pad)}`;
  w.line(`const ${shifted} = ${i} - ${t}${offset};`);
  if (axis.stride === 1) return { name: shifted, conditions: [`${shifted} >= 0`, `${shifted} < ${axis.out}`] };
  const name = w.fresh('u');
  // (t + 0.5) / s floors to the right quotient even when the division is a little off.
  w.line(`const ${name} = Math.floor((${shifted} + 0.5) / ${axis.stride});`);
  return { name, conditions: [`${shifted} >= 0`, `${shifted} === ${name} * ${axis.stride}`, `${name} < ${axis.out}`] };
}
