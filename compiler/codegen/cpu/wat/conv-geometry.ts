// Shapes of a 2-D convolution on NHWC input with an HWIO kernel, as TensorFlow/Keras
// define them: 'valid' keeps only full windows, 'same' pads so out = ceil(in / stride),
// putting the odd padding element at the bottom/right.

export type Padding = 'valid' | 'same';

export interface Conv2dGeometry {
  readonly batch: number;
  /** Input [batch, height, width, channels]. */
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Kernel [kernelHeight, kernelWidth, channels, filters]. */
  readonly filters: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padding: Padding;
}

export interface ConvShape {
  readonly outHeight: number;
  readonly outWidth: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
}

function axis(size: number, kernel: number, stride: number, padding: Padding): [number, number, number] {
  if (padding === 'valid') return [Math.floor((size - kernel) / stride) + 1, 0, 0];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [out, Math.floor(total / 2), total - Math.floor(total / 2)];
}

export function convShape(g: Conv2dGeometry): ConvShape {
  const [outHeight, padTop, padBottom] = axis(g.height, g.kernelHeight, g.strideHeight, g.padding);
  const [outWidth, padLeft, padRight] = axis(g.width, g.kernelWidth, g.strideWidth, g.padding);
  return { outHeight, outWidth, padTop, padBottom, padLeft, padRight };
}

export function isPadded(s: ConvShape): boolean {
  return s.padTop + s.padBottom + s.padLeft + s.padRight > 0;
}

/** Throws one line naming the kernel and the bad value. */
export function checkGeometry(g: Conv2dGeometry, where: string): ConvShape {
  const dims = ['batch', 'height', 'width', 'channels', 'filters', 'kernelHeight', 'kernelWidth', 'strideHeight', 'strideWidth'] as const;
  for (const d of dims) {
    if (!Number.isInteger(g[d]) || g[d] < 1) throw new Error(`${where}: ${d} must be a positive integer, got ${g[d]}`);
  }
  if (g.padding !== 'valid' && g.padding !== 'same') throw new Error(`${where}: padding must be 'valid' or 'same', got '${String(g.padding)}'`);
  const s = convShape(g);
  if (s.outHeight < 1 || s.outWidth < 1) {
    throw new Error(`${where}: a ${g.kernelHeight}x${g.kernelWidth} kernel does not fit a ${g.height}x${g.width} input with 'valid' padding`);
  }
  return s;
}

/** Multiply-adds x2 of the forward convolution (each backward product costs the same). */
export function convFlops(g: Conv2dGeometry): number {
  const s = convShape(g);
  return 2 * g.batch * s.outHeight * s.outWidth * g.filters * g.kernelHeight * g.kernelWidth * g.channels;
}

export function checkOffset(value: number, what: string, where: string): void {
  if (!Number.isInteger(value) || value < 0 || value % 4 !== 0) throw new Error(`${where}: ${what} must be a non-negative multiple of 4, got ${value}`);
}

export function checkName(name: string, where: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`${where}: name '${name}' is not an identifier`);
}

/** Rounds a byte count up to a multiple of 16 (scratch areas are laid out back to back). */
export function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
