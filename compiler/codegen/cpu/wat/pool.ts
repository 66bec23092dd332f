// Max and average 2-D pooling, forward, in WAT (NHWC, vectorised over channels).
// Threads split the output rows (n, oh). Gradients are in poolGrad.ts.

import type { WatFunction } from './module';
import { Locals, get, i32, set, splitUnits, kernelText } from './loopText';
import { PoolWindow, type Pool2dGeometry } from './poolWindow';
import { channelCode, inverseCountLocals, load, outputAddress, pixelLoop, store, type ChannelChunk } from './poolLoops';

export { emitAvgPool2dGrad, emitMaxPool2dGrad, type MaxPool2dGradParams, type Pool2dGradParams } from './poolGrad';
export { poolDims, type Pool2dGeometry, type PoolDims } from './poolWindow';

export interface Pool2dParams extends Pool2dGeometry {
  /** Byte offsets of the input [N,H,W,C] and the output [N,OH,OW,C]. */
  readonly x: number;
  readonly y: number;
}

/** A forward pooling kernel: threads split the N*OH output rows. */
function forwardKernel(p: Pool2dParams, chunk: (w: PoolWindow, c: ChannelChunk) => string[], perPixel: (w: PoolWindow) => string[]): WatFunction {
  const locals = new Locals();
  const w = new PoolWindow(p, locals);
  for (const n of ['u', 'u1', 'n', 'oh']) locals.declare(n, 'i32');
  const pixel = [...perPixel(w), ...channelCode(p.channels, locals, (c) => chunk(w, c))];
  const row = [
    `(br_if $done (i32.ge_u ${get('u')} ${get('u1')}))`,
    set('n', `(i32.div_u ${get('u')} ${i32(w.dims.outHeight)})`),
    set('oh', `(i32.rem_u ${get('u')} ${i32(w.dims.outHeight)})`),
    ...pixelLoop(w, get('u'), pixel),
    set('u', `(i32.add ${get('u')} ${i32(1)})`),
    '(br $rows)',
  ];
  const body = [...splitUnits(p.batch * w.dims.outHeight, 'u', 'u1'), '(block $done (loop $rows', ...row.map((s) => `  ${s}`), '))'];
  return kernelText(p.name, locals, body);
}

function maxChunk(p: Pool2dParams, w: PoolWindow, c: ChannelChunk): string[] {
  const max = c.lanes === 4 ? 'f32x4.max' : 'f32.max';
  let acc = load(c.lanes, w.cell(0, c.colByte, c.dynamic), p.x);
  for (let k = 1; k < w.cells; k++) acc = `(${max} ${acc} ${load(c.lanes, w.cell(k, c.colByte, c.dynamic), p.x)})`;
  return [store(c.lanes, outputAddress(c), p.y, acc)];
}

/** y = the maximum of each window (cells outside the image never count). */
export function emitMaxPool2d(p: Pool2dParams): WatFunction {
  return forwardKernel(p, (w, c) => maxChunk(p, w, c), () => []);
}

/** A cell's value, or 0 where the cell lies outside the image. */
function maskedLoad(w: PoolWindow, c: ChannelChunk, k: number, tensor: number): string {
  const v = load(c.lanes, w.cell(k, c.colByte, c.dynamic), tensor);
  const ok = w.validity(k, c.lanes);
  if (ok === null) return v;
  return c.lanes === 4 ? `(v128.and ${v} ${get(ok)})` : `(select ${v} (f32.const 0) ${get(ok)})`;
}

function avgChunk(p: Pool2dParams, w: PoolWindow, c: ChannelChunk): string[] {
  const add = c.lanes === 4 ? 'f32x4.add' : 'f32.add';
  let sum = maskedLoad(w, c, 0, p.x);
  for (let k = 1; k < w.cells; k++) sum = `(${add} ${sum} ${maskedLoad(w, c, k, p.x)})`;
  const scaled = c.lanes === 4 ? `(f32x4.mul ${sum} ${get('invv')})` : `(f32.mul ${sum} ${get('inv')})`;
  return [store(c.lanes, outputAddress(c), p.y, scaled)];
}

/** y = the mean of each window over the cells inside the image (TensorFlow's same padding). */
export function emitAvgPool2d(p: Pool2dParams): WatFunction {
  return forwardKernel(p, (w, c) => avgChunk(p, w, c), inverseCountLocals);
}
