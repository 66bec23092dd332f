// A drawn digit made into an MNIST input the way MNIST's digits were made (LeCun et al.):
// the ink's bounding box scaled, keeping its aspect ratio, so its longer side is 20 pixels
// (area-averaged, which anti-aliases as their normalisation did), then placed in a 28x28
// field so that its centre of mass falls in the field's centre pixel (14, 14), as in MNIST.

export const SIDE = 28;
const BOX = 20;
/** Ink below this (of 1) is background: antialiasing fringes do not stretch the box. */
const INK = 0.05;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The bounding box of the ink in a width x height image, or null when there is none. */
export function inkBox(pixels: ArrayLike<number>, width: number, height: number): Box | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] <= INK) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Per output cell of [0, m), the source cells of [0, n) it covers and their weights (overlap / cell length). */
function areaWeights(n: number, m: number): { from: number; weights: number[] }[] {
  const step = n / m;
  return Array.from({ length: m }, (_, j) => {
    const lo = j * step, hi = (j + 1) * step;
    const from = Math.floor(lo);
    const weights: number[] = [];
    for (let i = from; i < Math.min(n, Math.ceil(hi)); i++) weights.push((Math.min(hi, i + 1) - Math.max(lo, i)) / step);
    return { from, weights };
  });
}

/** Area-averaged resampling of `box` of a `width`-wide image to dw x dh. */
export function resampleArea(pixels: ArrayLike<number>, width: number, box: Box, dw: number, dh: number): Float64Array {
  const wx = areaWeights(box.width, dw);
  const wy = areaWeights(box.height, dh);
  const rows = new Float64Array(box.height * dw);
  for (let y = 0; y < box.height; y++) {
    const src = (box.y + y) * width + box.x;
    wx.forEach((c, j) => {
      let s = 0;
      c.weights.forEach((w, k) => { s += w * pixels[src + c.from + k]; });
      rows[y * dw + j] = s;
    });
  }
  const out = new Float64Array(dw * dh);
  wy.forEach((c, i) => {
    for (let j = 0; j < dw; j++) {
      let s = 0;
      c.weights.forEach((w, k) => { s += w * rows[(c.from + k) * dw + j]; });
      out[i * dw + j] = s;
    }
  });
  return out;
}

/** Centre of mass (x, y) of a w x h image, pixel centres at i + 0.5. */
export function centreOfMass(img: ArrayLike<number>, w: number, h: number): { x: number; y: number } {
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = img[y * w + x];
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return m === 0 ? { x: w / 2, y: h / 2 } : { x: mx / m, y: my / m };
}

/** The 28x28 MNIST input (row-major, [0, 1]) of a drawing with ink in [0, 1]; null when nothing is drawn. */
export function mnistInput(pixels: ArrayLike<number>, width: number, height: number): Float32Array | null {
  const box = inkBox(pixels, width, height);
  if (box === null) return null;
  const scale = BOX / Math.max(box.width, box.height);
  const dw = Math.max(1, Math.round(box.width * scale));
  const dh = Math.max(1, Math.round(box.height * scale));
  const digit = resampleArea(pixels, width, box, dw, dh);
  const c = centreOfMass(digit, dw, dh);
  // MNIST's digits have their centre of mass in pixel 14 (its centre, 14.5, with pixel centres at i + 0.5).
  const ox = Math.round(SIDE / 2 + 0.5 - c.x);
  const oy = Math.round(SIDE / 2 + 0.5 - c.y);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      const tx = x + ox, ty = y + oy;
      if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) out[ty * SIDE + tx] = Math.min(1, digit[y * dw + x]);
    }
  }
  return out;
}
