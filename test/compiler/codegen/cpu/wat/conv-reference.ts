// Float64 reference convolutions (NHWC input, HWIO kernel, TensorFlow's 'same' rule),
// written out loop by loop, independent of the emitters' geometry code.

import fc from 'fast-check';

export interface RefGeometry {
  batch: number; height: number; width: number; channels: number; filters: number;
  kernelHeight: number; kernelWidth: number; strideHeight: number; strideWidth: number; padding: 'valid' | 'same';
}

export interface RefShape { oh: number; ow: number; top: number; left: number; padded: boolean }

export function refShape(g: RefGeometry): RefShape {
  if (g.padding === 'valid') {
    return { oh: Math.floor((g.height - g.kernelHeight) / g.strideHeight) + 1, ow: Math.floor((g.width - g.kernelWidth) / g.strideWidth) + 1, top: 0, left: 0, padded: false };
  }
  const oh = Math.ceil(g.height / g.strideHeight), ow = Math.ceil(g.width / g.strideWidth);
  const th = Math.max((oh - 1) * g.strideHeight + g.kernelHeight - g.height, 0);
  const tw = Math.max((ow - 1) * g.strideWidth + g.kernelWidth - g.width, 0);
  return { oh, ow, top: Math.floor(th / 2), left: Math.floor(tw / 2), padded: th + tw > 0 };
}

/** Calls f(b, oy, ox, ky, kx, iy, ix) for every in-bounds tap. */
function taps(g: RefGeometry, f: (b: number, oy: number, ox: number, ky: number, kx: number, iy: number, ix: number) => void): void {
  const s = refShape(g);
  for (let b = 0; b < g.batch; b++) for (let oy = 0; oy < s.oh; oy++) for (let ox = 0; ox < s.ow; ox++) {
    for (let ky = 0; ky < g.kernelHeight; ky++) for (let kx = 0; kx < g.kernelWidth; kx++) {
      const iy = oy * g.strideHeight + ky - s.top, ix = ox * g.strideWidth + kx - s.left;
      if (iy >= 0 && iy < g.height && ix >= 0 && ix < g.width) f(b, oy, ox, ky, kx, iy, ix);
    }
  }
}

export function conv2dRef(g: RefGeometry, x: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  const s = refShape(g);
  const y = new Float64Array(g.batch * s.oh * s.ow * g.filters);
  taps(g, (b, oy, ox, ky, kx, iy, ix) => {
    const yo = ((b * s.oh + oy) * s.ow + ox) * g.filters;
    for (let c = 0; c < g.channels; c++) {
      const xv = x[((b * g.height + iy) * g.width + ix) * g.channels + c];
      const wo = ((ky * g.kernelWidth + kx) * g.channels + c) * g.filters;
      for (let f = 0; f < g.filters; f++) y[yo + f] += xv * w[wo + f];
    }
  });
  return y;
}

export function conv2dBackpropFilterRef(g: RefGeometry, x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  const s = refShape(g);
  const dw = new Float64Array(g.kernelHeight * g.kernelWidth * g.channels * g.filters);
  taps(g, (b, oy, ox, ky, kx, iy, ix) => {
    const yo = ((b * s.oh + oy) * s.ow + ox) * g.filters;
    for (let c = 0; c < g.channels; c++) {
      const xv = x[((b * g.height + iy) * g.width + ix) * g.channels + c];
      const wo = ((ky * g.kernelWidth + kx) * g.channels + c) * g.filters;
      for (let f = 0; f < g.filters; f++) dw[wo + f] += xv * dy[yo + f];
    }
  });
  return dw;
}

export function conv2dBackpropInputRef(g: RefGeometry, dy: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  const s = refShape(g);
  const dx = new Float64Array(g.batch * g.height * g.width * g.channels);
  taps(g, (b, oy, ox, ky, kx, iy, ix) => {
    const yo = ((b * s.oh + oy) * s.ow + ox) * g.filters;
    for (let c = 0; c < g.channels; c++) {
      const wo = ((ky * g.kernelWidth + kx) * g.channels + c) * g.filters;
      let sum = 0;
      for (let f = 0; f < g.filters; f++) sum += dy[yo + f] * w[wo + f];
      dx[((b * g.height + iy) * g.width + ix) * g.channels + c] += sum;
    }
  });
  return dx;
}

/** Small geometries: valid (when the kernel fits) or same padding, strides 1 and 2. */
export const geometryArb: fc.Arbitrary<RefGeometry> = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  height: fc.integer({ min: 1, max: 9 }),
  width: fc.integer({ min: 1, max: 9 }),
  channels: fc.integer({ min: 1, max: 6 }),
  filters: fc.integer({ min: 1, max: 11 }),
  kernelHeight: fc.integer({ min: 1, max: 4 }),
  kernelWidth: fc.integer({ min: 1, max: 4 }),
  strideHeight: fc.integer({ min: 1, max: 2 }),
  strideWidth: fc.integer({ min: 1, max: 2 }),
  padding: fc.constantFrom<('valid' | 'same')[]>('valid', 'same'),
}).filter((g) => g.padding === 'same' || (g.kernelHeight <= g.height && g.kernelWidth <= g.width));

