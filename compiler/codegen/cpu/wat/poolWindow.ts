// Pooling geometry (Keras/TF valid and same padding) and the WAT that addresses a window's
// cells. NHWC, channels contiguous: each cell is a run of C floats, vectorised by 4.
// With same padding, cell coordinates are clamped into the image: a clamped cell repeats a
// valid cell of the same window (so max and first-max are unchanged) and carries a 0/1
// validity flag for the ops that must not count it (average pooling).

import { Locals, get, i32, set } from './loopText';

export interface Pool2dGeometry {
  /** Kernel name: the WAT identifier and export. */
  readonly name: string;
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: 'valid' | 'same';
}

export interface PoolDims {
  readonly outHeight: number;
  readonly outWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

function axis(size: number, k: number, s: number, padding: 'valid' | 'same'): { out: number; pad: number } {
  if (padding === 'valid') return { out: Math.floor((size - k) / s) + 1, pad: 0 };
  const out = Math.ceil(size / s);
  return { out, pad: Math.floor(Math.max((out - 1) * s + k - size, 0) / 2) };
}

/** Output size and leading padding as TensorFlow computes them; throws one line on bad geometry. */
export function poolDims(g: Pool2dGeometry): PoolDims {
  const fail = (what: string): never => { throw new Error(`pool '${g.name}': ${what}`); };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(g.name)) fail('name is not a plain identifier');
  for (const [what, v] of [['batch', g.batch], ['height', g.height], ['width', g.width], ['channels', g.channels],
    ['pool height', g.poolSize[0]], ['pool width', g.poolSize[1]], ['stride height', g.strides[0]], ['stride width', g.strides[1]]] as const) {
    if (!Number.isInteger(v) || v < 1) fail(`${what} must be a positive integer, got ${v}`);
  }
  if (g.padding === 'valid' && (g.poolSize[0] > g.height || g.poolSize[1] > g.width)) {
    fail(`pool ${g.poolSize[0]}x${g.poolSize[1]} does not fit a ${g.height}x${g.width} input with valid padding`);
  }
  const h = axis(g.height, g.poolSize[0], g.strides[0], g.padding);
  const w = axis(g.width, g.poolSize[1], g.strides[1], g.padding);
  return { outHeight: h.out, outWidth: w.out, padTop: h.pad, padLeft: w.pad };
}

export interface CellAddress {
  /** Byte address relative to the tensor's start (add the tensor offset as the memarg offset). */
  readonly base: string;
  readonly offset: number;
}

function clampText(v: string, max: number): string {
  const low = `(select ${i32(0)} ${v} (i32.lt_s ${v} ${i32(0)}))`;
  return `(select ${i32(max)} ${low} (i32.gt_s ${low} ${i32(max)}))`;
}

const inRange = (v: string, size: number): string => `(i32.lt_u ${v} ${i32(size)})`;

/** Emits the address (and, with same padding, validity) of every window cell. */
export class PoolWindow {
  readonly dims: PoolDims;
  readonly cells: number;
  readonly padded: boolean;

  constructor(readonly g: Pool2dGeometry, readonly locals: Locals) {
    this.dims = poolDims(g);
    this.cells = g.poolSize[0] * g.poolSize[1];
    this.padded = g.padding === 'same' && (this.dims.padTop > 0 || this.dims.padLeft > 0
      || (this.dims.outHeight - 1) * g.strides[0] + g.poolSize[0] > g.height
      || (this.dims.outWidth - 1) * g.strides[1] + g.poolSize[1] > g.width);
  }

  private get pixelBytes(): number {
    return this.g.channels * 4;
  }

  private get rowBytes(): number {
    return this.g.width * this.pixelBytes;
  }

  /** Per output row: locals from `$n` and `$oh`. */
  rowSetup(): string[] {
    const { g, dims } = this;
    const image = `(i32.mul ${get('n')} ${i32(g.height)})`;
    if (!this.padded) {
      this.locals.declare('xrow', 'i32');
      return [set('xrow', `(i32.mul (i32.add ${image} (i32.mul ${get('oh')} ${i32(g.strides[0])})) ${i32(this.rowBytes)})`)];
    }
    const out: string[] = [];
    for (let i = 0; i < g.poolSize[0]; i++) {
      const ih = this.locals.declare(`ih${i}`, 'i32');
      out.push(set(ih, `(i32.add (i32.mul ${get('oh')} ${i32(g.strides[0])}) ${i32(i - dims.padTop)})`));
      out.push(set(this.locals.declare(`rv${i}`, 'i32'), inRange(get(ih), g.height)));
      out.push(set(this.locals.declare(`rowb${i}`, 'i32'), `(i32.mul (i32.add ${image} ${clampText(get(ih), g.height - 1)}) ${i32(this.rowBytes)})`));
    }
    return out;
  }

  /** Per output pixel: locals from `$ow` (cell bases, validity, and the valid count's inverse). */
  pixelSetup(): string[] {
    const { g, dims } = this;
    if (!this.padded) {
      this.locals.declare('px', 'i32');
      return [set('px', `(i32.add ${get('xrow')} (i32.mul ${get('ow')} ${i32(g.strides[1] * this.pixelBytes)}))`)];
    }
    const out: string[] = [];
    for (let j = 0; j < g.poolSize[1]; j++) {
      const iw = this.locals.declare(`iw${j}`, 'i32');
      out.push(set(iw, `(i32.add (i32.mul ${get('ow')} ${i32(g.strides[1])}) ${i32(j - dims.padLeft)})`));
      out.push(set(this.locals.declare(`cv${j}`, 'i32'), inRange(get(iw), g.width)));
      out.push(set(this.locals.declare(`colb${j}`, 'i32'), `(i32.mul ${clampText(get(iw), g.width - 1)} ${i32(this.pixelBytes)})`));
    }
    for (let k = 0; k < this.cells; k++) {
      const [i, j] = [Math.floor(k / g.poolSize[1]), k % g.poolSize[1]];
      out.push(set(this.locals.declare(`cell${k}`, 'i32'), `(i32.add ${get(`rowb${i}`)} ${get(`colb${j}`)})`));
      out.push(set(this.locals.declare(`ok${k}`, 'i32'), `(i32.and ${get(`rv${i}`)} ${get(`cv${j}`)})`));
      out.push(set(this.locals.declare(`okv${k}`, 'v128'), `(i32x4.splat (i32.sub ${i32(0)} ${get(`ok${k}`)}))`));
    }
    return out;
  }

  /** Cell k of the current pixel, at channel byte `colByte` (plus `$cb` when `dynamic`). */
  cell(k: number, colByte: number, dynamic: boolean): CellAddress {
    const g = this.g;
    const col = dynamic ? ` ${get('cb')}` : '';
    if (!this.padded) {
      const [i, j] = [Math.floor(k / g.poolSize[1]), k % g.poolSize[1]];
      const base = dynamic ? `(i32.add ${get('px')}${col})` : get('px');
      return { base, offset: (i * this.rowBytes) + j * this.pixelBytes + colByte };
    }
    return { base: dynamic ? `(i32.add ${get(`cell${k}`)}${col})` : get(`cell${k}`), offset: colByte };
  }

  /** The i32 0/1 (scalar) or lane mask (vector) local saying cell k is inside the image; null if always. */
  validity(k: number, lanes: 1 | 4): string | null {
    if (!this.padded) return null;
    return lanes === 4 ? `okv${k}` : `ok${k}`;
  }

  /** 1 / (number of valid cells) of the current pixel, as an f32 expression. */
  inverseCount(): string {
    if (!this.padded) return `(f32.const ${1 / this.cells})`;
    const g = this.g;
    const rows = Array.from({ length: g.poolSize[0] }, (_, i) => get(`rv${i}`)).reduce((a, b) => `(i32.add ${a} ${b})`);
    const cols = Array.from({ length: g.poolSize[1] }, (_, j) => get(`cv${j}`)).reduce((a, b) => `(i32.add ${a} ${b})`);
    return `(f32.div (f32.const 1) (f32.convert_i32_u (i32.mul ${rows} ${cols})))`;
  }
}
