// Gradients of max and average pooling (NHWC, vectorised over channels).
// dx is fully overwritten: each thread zero-fills the dx rows it owns, then adds every window's
// share. Threads own whole output rows when windows do not overlap vertically (stride >= pool
// height: an output row's windows touch only its own band of input rows), else whole images.
// Max pooling: the first maximum in row-major window order takes the gradient.

import type { WatFunction } from './module';
import { Locals, get, i32, set, splitUnits, kernelText } from './loopText';
import { PoolWindow, type Pool2dGeometry } from './poolWindow';
import { channelCode, inverseCountLocals, load, outputAddress, pixelLoop, store, type ChannelChunk } from './poolLoops';

export interface Pool2dGradParams extends Pool2dGeometry {
  /** Byte offsets of dy [N,OH,OW,C] and dx [N,H,W,C]. */
  readonly dy: number;
  readonly dx: number;
}

export interface MaxPool2dGradParams extends Pool2dGradParams {
  /** Byte offset of the forward input x [N,H,W,C] (where the maxima are). */
  readonly x: number;
}

/** Windows that share no cell and repeat no clamped cell: dx cells can be stored, not added to. */
function storesDirectly(w: PoolWindow): boolean {
  const g = w.g;
  return !w.padded && g.strides[0] >= g.poolSize[0] && g.strides[1] >= g.poolSize[1];
}

/** Zero-fills dx rows [start, end) of image `$n`. */
function zeroRows(p: Pool2dGradParams, start: string, end: string): string {
  const rowBytes = p.width * p.channels * 4;
  const first = `(i32.add ${i32(p.dx)} (i32.mul (i32.add (i32.mul ${get('n')} ${i32(p.height)}) ${start}) ${i32(rowBytes)}))`;
  return `(memory.fill ${first} ${i32(0)} (i32.mul (i32.sub ${end} ${start}) ${i32(rowBytes)}))`;
}

/** The loop over the thread's units, each zero-filling its dx band then scattering its windows. */
function gradKernel(p: Pool2dGradParams, chunk: (w: PoolWindow, c: ChannelChunk) => string[], perPixel: (w: PoolWindow) => string[]): WatFunction {
  const locals = new Locals();
  const w = new PoolWindow(p, locals);
  const { outHeight, padTop } = w.dims;
  for (const n of ['u', 'u1', 'n', 'oh', 'start', 'end']) locals.declare(n, 'i32');
  const pixel = [...perPixel(w), ...channelCode(p.channels, locals, (c) => chunk(w, c))];
  const ownsRows = p.strides[0] >= p.poolSize[0];
  const unit = ownsRows
    ? [
      set('n', `(i32.div_u ${get('u')} ${i32(outHeight)})`),
      set('oh', `(i32.rem_u ${get('u')} ${i32(outHeight)})`),
      set('start', `(i32.sub (i32.mul ${get('oh')} ${i32(p.strides[0])}) ${i32(padTop)})`),
      set('start', `(select ${i32(0)} ${get('start')} (i32.lt_s ${get('start')} ${i32(0)}))`),
      set('end', `(select ${i32(p.height)} (i32.sub (i32.mul (i32.add ${get('oh')} ${i32(1)}) ${i32(p.strides[0])}) ${i32(padTop)}) (i32.eq ${get('oh')} ${i32(outHeight - 1)}))`),
      zeroRows(p, get('start'), get('end')),
      ...pixelLoop(w, get('u'), pixel),
    ]
    : [
      set('n', get('u')),
      zeroRows(p, i32(0), i32(p.height)),
      set('oh', i32(0)),
      '(loop $outRows',
      ...pixelLoop(w, `(i32.add (i32.mul ${get('n')} ${i32(outHeight)}) ${get('oh')})`, pixel).map((s) => `  ${s}`),
      `  ${set('oh', `(i32.add ${get('oh')} ${i32(1)})`)}`,
      `  (br_if $outRows (i32.lt_u ${get('oh')} ${i32(outHeight)})))`,
    ];
  const units = ownsRows ? p.batch * outHeight : p.batch;
  const loop = [`(br_if $done (i32.ge_u ${get('u')} ${get('u1')}))`, ...unit, set('u', `(i32.add ${get('u')} ${i32(1)})`), '(br $units)'];
  return kernelText(p.name, locals, [...splitUnits(units, 'u', 'u1'), '(block $done (loop $units', ...loop.map((s) => `  ${s}`), '))']);
}

/** dx at cell k += value (or = value when windows never share a cell). */
function scatter(p: Pool2dGradParams, w: PoolWindow, c: ChannelChunk, k: number, value: string): string {
  const a = w.cell(k, c.colByte, c.dynamic);
  if (storesDirectly(w)) return store(c.lanes, a, p.dx, value);
  return store(c.lanes, a, p.dx, `(${c.lanes === 4 ? 'f32x4' : 'f32'}.add ${load(c.lanes, a, p.dx)} ${value})`);
}

function maxGradChunk(p: MaxPool2dGradParams, w: PoolWindow, c: ChannelChunk): string[] {
  const vec = c.lanes === 4;
  const t = vec ? 'v128' : 'f32';
  const xs = Array.from({ length: w.cells }, (_, k) => w.locals.declare(`${vec ? 'xv' : 'xs'}${k}`, t));
  const max = w.locals.declare(vec ? 'maxv' : 'maxs', t);
  const taken = w.locals.declare(vec ? 'takenv' : 'takens', vec ? 'v128' : 'i32');
  const hit = w.locals.declare(vec ? 'hitv' : 'hits', vec ? 'v128' : 'i32');
  const dy = w.locals.declare(vec ? 'dyv' : 'dys', t);
  const out = xs.map((x, k) => set(x, load(c.lanes, w.cell(k, c.colByte, c.dynamic), p.x)));
  out.push(set(max, xs.slice(1).reduce((acc, x) => `(${vec ? 'f32x4' : 'f32'}.max ${acc} ${get(x)})`, get(xs[0]))));
  out.push(set(dy, load(c.lanes, outputAddress(c), p.dy)), set(taken, vec ? '(v128.const i32x4 0 0 0 0)' : i32(0)));
  xs.forEach((x, k) => {
    out.push(vec
      ? set(hit, `(v128.andnot (f32x4.eq ${get(x)} ${get(max)}) ${get(taken)})`)
      : set(hit, `(i32.and (f32.eq ${get(x)} ${get(max)}) (i32.eqz ${get(taken)}))`));
    if (k < w.cells - 1) out.push(set(taken, `(${vec ? 'v128' : 'i32'}.or ${get(taken)} ${get(hit)})`));
    out.push(scatter(p, w, c, k, vec ? `(v128.and ${get(dy)} ${get(hit)})` : `(select ${get(dy)} (f32.const 0) ${get(hit)})`));
  });
  return out;
}

/** dx: each window's dy goes to its first maximal cell; every other dx cell is 0. */
export function emitMaxPool2dGrad(p: MaxPool2dGradParams): WatFunction {
  return gradKernel(p, (w, c) => maxGradChunk(p, w, c), () => []);
}

function avgGradChunk(p: Pool2dGradParams, w: PoolWindow, c: ChannelChunk): string[] {
  const vec = c.lanes === 4;
  const share = w.locals.declare(vec ? 'sharev' : 'shares', vec ? 'v128' : 'f32');
  const dy = load(c.lanes, outputAddress(c), p.dy);
  const out = [set(share, vec ? `(f32x4.mul ${dy} ${get('invv')})` : `(f32.mul ${dy} ${get('inv')})`)];
  for (let k = 0; k < w.cells; k++) {
    const ok = w.validity(k, c.lanes);
    const value = ok === null ? get(share) : vec ? `(v128.and ${get(share)} ${get(ok)})` : `(select ${get(share)} (f32.const 0) ${get(ok)})`;
    out.push(scatter(p, w, c, k, value));
  }
  return out;
}

/** dx: each window's dy / (its count of cells inside the image) goes to each of those cells. */
export function emitAvgPool2dGrad(p: Pool2dGradParams): WatFunction {
  return gradKernel(p, (w, c) => avgGradChunk(p, w, c), inverseCountLocals);
}
