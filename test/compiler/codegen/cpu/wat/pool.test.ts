import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  emitAvgPool2d, emitAvgPool2dGrad, emitMaxPool2d, emitMaxPool2dGrad, poolDims, type Pool2dGeometry,
} from '../../../../../compiler/codegen/cpu/wat/pool';
import { firstMismatch, loadKernels, runOnThreads, type KernelModule } from './loopHarness';

interface Window { n: number; oh: number; ow: number; cells: number[] /* flat pixel indices n*H*W + ih*W + iw, row-major */ }

/** Every window with its cells inside the image, in row-major order (the float64 oracle's view). */
function windows(g: Pool2dGeometry): Window[] {
  const { outHeight, outWidth, padTop, padLeft } = poolDims(g);
  const out: Window[] = [];
  for (let n = 0; n < g.batch; n++) for (let oh = 0; oh < outHeight; oh++) for (let ow = 0; ow < outWidth; ow++) {
    const cells: number[] = [];
    for (let i = 0; i < g.poolSize[0]; i++) for (let j = 0; j < g.poolSize[1]; j++) {
      const ih = oh * g.strides[0] - padTop + i, iw = ow * g.strides[1] - padLeft + j;
      if (ih >= 0 && ih < g.height && iw >= 0 && iw < g.width) cells.push((n * g.height + ih) * g.width + iw);
    }
    out.push({ n, oh, ow, cells });
  }
  return out;
}

function reference(g: Pool2dGeometry, x: Float32Array, dy: Float32Array) {
  const C = g.channels;
  const ws = windows(g);
  const maxY = new Float64Array(ws.length * C), avgY = new Float64Array(ws.length * C);
  const maxDx = new Float64Array(x.length), avgDx = new Float64Array(x.length);
  ws.forEach((w, o) => {
    for (let c = 0; c < C; c++) {
      let best = w.cells[0];
      let sum = 0;
      for (const cell of w.cells) {
        if (x[cell * C + c] > x[best * C + c]) best = cell;
        sum += x[cell * C + c];
      }
      maxY[o * C + c] = x[best * C + c];
      avgY[o * C + c] = sum / w.cells.length;
      maxDx[best * C + c] += dy[o * C + c];
      for (const cell of w.cells) avgDx[cell * C + c] += dy[o * C + c] / w.cells.length;
    }
  });
  return { maxY, avgY, maxDx, avgDx };
}

function layout(g: Pool2dGeometry) {
  const { outHeight, outWidth } = poolDims(g);
  const xSize = g.batch * g.height * g.width * g.channels;
  const ySize = g.batch * outHeight * outWidth * g.channels;
  const at = { x: 0, y: xSize * 4, dy: (xSize + ySize) * 4, dx: (xSize + 2 * ySize) * 4 };
  return { xSize, ySize, at, bytes: (2 * xSize + 2 * ySize) * 4 };
}

async function loadPools(g: Pool2dGeometry): Promise<{ m: KernelModule; l: ReturnType<typeof layout> }> {
  const l = layout(g);
  const m = await loadKernels([
    emitMaxPool2d({ ...g, name: 'max', x: l.at.x, y: l.at.y }),
    emitAvgPool2d({ ...g, name: 'avg', x: l.at.x, y: l.at.y }),
    emitMaxPool2dGrad({ ...g, name: 'max_grad', x: l.at.x, dy: l.at.dy, dx: l.at.dx }),
    emitAvgPool2dGrad({ ...g, name: 'avg_grad', dy: l.at.dy, dx: l.at.dx }),
  ], l.bytes);
  return { m, l };
}

function runSplit(m: KernelModule, name: string, nth: number): void {
  for (let tid = 0; tid < nth; tid++) m.run(name, tid, nth);
}

const geometry: fc.Arbitrary<Pool2dGeometry> = fc.record({
  name: fc.constant('pool'),
  batch: fc.integer({ min: 1, max: 3 }),
  height: fc.integer({ min: 1, max: 8 }),
  width: fc.integer({ min: 1, max: 8 }),
  channels: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(12, 68)),
  poolSize: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
}).filter((g) => g.padding === 'same' || (g.poolSize[0] <= g.height && g.poolSize[1] <= g.width));

/** Small integers make ties common, so the first-maximum rule is exercised. */
const values = fc.constantFrom<'ties' | 'smooth'>('ties', 'smooth');

function fill(data: Float32Array, seed: number, kind: 'ties' | 'smooth'): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = kind === 'ties' ? (s >>> 29) - 4 : (s / 2 ** 32) * 4 - 2;
  }
}

async function checkAll(g: Pool2dGeometry, seed: number, kind: 'ties' | 'smooth', nth: number, workers: boolean): Promise<void> {
  const { m, l } = await loadPools(g);
  const x = m.f32(l.at.x, l.xSize), dy = m.f32(l.at.dy, l.ySize);
  fill(x, seed, kind);
  fill(dy, seed + 1, 'smooth');
  const want = reference(g, x, dy);
  const run = async (name: string): Promise<void> => { if (workers) await runOnThreads(m, name, nth); else runSplit(m, name, nth); };
  const y = m.f32(l.at.y, l.ySize), dx = m.f32(l.at.dx, l.xSize);
  y.fill(NaN); await run('max');
  assert.equal(firstMismatch(y, want.maxY, 0, 0), null, 'max pool forward');
  y.fill(NaN); await run('avg');
  assert.equal(firstMismatch(y, want.avgY, 1e-6, 1e-6), null, 'avg pool forward');
  dx.fill(NaN); await run('max_grad');
  assert.equal(firstMismatch(dx, want.maxDx, 1e-6, 1e-6), null, 'max pool grad');
  dx.fill(NaN); await run('avg_grad');
  assert.equal(firstMismatch(dx, want.avgDx, 1e-6, 1e-6), null, 'avg pool grad');
}

describe('codegen/cpu/wat/pool', () => {
  it('max/avg pooling and their gradients equal the float64 reference (valid and same, ties, 1..3 thread splits)', async () => {
    await fc.assert(fc.asyncProperty(geometry, fc.integer(), values, fc.integer({ min: 1, max: 3 }), async (g, seed, kind, nth) => {
      await checkAll(g, seed, kind, nth, false);
    }), { numRuns: 80 });
  });

  it('max pooling gradient goes to the first maximum of a tied window, and nowhere else', async () => {
    const g: Pool2dGeometry = { name: 'pool', batch: 1, height: 2, width: 2, channels: 5, poolSize: [2, 2], strides: [2, 2], padding: 'valid' };
    const { m, l } = await loadPools(g);
    // Per channel: where the maximum 1 sits in the 2x2 window (cells in row-major order).
    const ones = [[0, 1, 2, 3], [1, 3], [2, 3], [3], [0, 3]];
    const x = m.f32(l.at.x, l.xSize);
    x.fill(0);
    ones.forEach((cells, c) => cells.forEach((cell) => { x[cell * 5 + c] = 1; }));
    m.f32(l.at.dy, 5).set([10, 20, 30, 40, 50]);
    m.run('max_grad');
    const dx = m.f32(l.at.dx, l.xSize);
    ones.forEach((cells, c) => {
      for (let cell = 0; cell < 4; cell++) assert.equal(dx[cell * 5 + c], cell === cells[0] ? 10 * (c + 1) : 0, `channel ${c} cell ${cell}`);
    });
  });

  it('covers input rows no window reaches (valid padding, stride > pool) with zeros', async () => {
    await checkAll({ name: 'pool', batch: 2, height: 7, width: 7, channels: 4, poolSize: [2, 2], strides: [3, 3], padding: 'valid' }, 3, 'smooth', 2, false);
  });

  it('runs the seed model pooling (26x26x32, pool 2) on two worker threads', async () => {
    await checkAll({ name: 'pool', batch: 2, height: 26, width: 26, channels: 32, poolSize: [2, 2], strides: [2, 2], padding: 'valid' }, 9, 'smooth', 2, true);
  });

  it('computes Keras output sizes and rejects bad geometry in one line', () => {
    const g: Pool2dGeometry = { name: 'p', batch: 1, height: 5, width: 6, channels: 1, poolSize: [2, 3], strides: [2, 2], padding: 'same' };
    assert.deepEqual(poolDims(g), { outHeight: 3, outWidth: 3, padTop: 0, padLeft: 0 });
    assert.deepEqual(poolDims({ ...g, padding: 'valid' }), { outHeight: 2, outWidth: 2, padTop: 0, padLeft: 0 });
    assert.deepEqual(poolDims({ ...g, height: 4, width: 4, poolSize: [3, 3], strides: [1, 1] }), { outHeight: 4, outWidth: 4, padTop: 1, padLeft: 1 });
    assert.throws(() => emitMaxPool2d({ ...g, padding: 'valid', poolSize: [6, 1], name: 'p', x: 0, y: 0 }), /pool 'p': pool 6x1 does not fit a 5x6 input/);
    assert.throws(() => poolDims({ ...g, strides: [0, 1] }), /stride height must be a positive integer, got 0/);
  });
});
