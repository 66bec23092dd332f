import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { S } from '../../../../../compiler/ir/scalar';
import { conv2dScratchBytes, emitConv2d, type Conv2dParams } from '../../../../../compiler/codegen/cpu/wat/conv-forward';
import { conv2dRef, geometryArb, refShape, type RefGeometry } from './conv-reference';
import { assertClose, assertUntouched, instantiate, Layout, read, runPhases, values, write } from './wat-harness';

interface FwdCase { g: RefGeometry; threads: number; seed: number; bias: boolean; tile: { rows: number; cols: number } }

async function runForward(c: FwdCase): Promise<void> {
  const { g } = c;
  const s = refShape(g);
  const L = new Layout();
  const X = L.alloc(g.batch * g.height * g.width * g.channels);
  const W = L.alloc(g.kernelHeight * g.kernelWidth * g.channels * g.filters);
  const Y = L.alloc(g.batch * s.oh * s.ow * g.filters);
  const bias = L.alloc(g.filters);
  const scratch = L.alloc(conv2dScratchBytes(g) / 4);
  const epilogue = c.bias
    ? { operands: [{ offset: bias.offset, rowPeriod: 0, rowStride: 0, colStride: 1 }], stores: [{ expr: S.bin('add', S.arg(0), S.arg(1)), offset: Y.offset, ld: g.filters }] }
    : undefined;
  const p: Conv2dParams = { ...g, name: 'conv', xOffset: X.offset, kernelOffset: W.offset, yOffset: Y.offset, scratchOffset: scratch.offset, epilogue, tile: c.tile };
  const phases = emitConv2d(p);
  assert.equal(phases.length, s.padded ? 2 : 1);
  const inst = await instantiate(phases, L.bytes);
  const x = values(X.floats, c.seed), w = values(W.floats, c.seed + 1), bi = values(g.filters, c.seed + 2);
  write(inst.f32, X, x); write(inst.f32, W, w); write(inst.f32, bias, bi);
  const before = inst.f32.slice();
  runPhases(inst, phases, c.threads);
  const expected = conv2dRef(g, x, w);
  if (c.bias) expected.forEach((v, i) => { expected[i] = v + bi[i % g.filters]; });
  assertClose(read(inst.f32, Y), expected, `y of ${JSON.stringify(c)}`);
  assertUntouched(inst.f32, before, [[Y.offset, Y.offset + 4 * Y.floats], [scratch.offset, scratch.offset + 4 * scratch.floats]]);
}

describe('emitConv2d', () => {
  it('matches the float64 convolution for valid/same padding, strides 1 and 2, any tile and thread count', async () => {
    const arb = fc.record({
      g: geometryArb, threads: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 1, max: 1 << 30 }), bias: fc.boolean(),
      tile: fc.record({ rows: fc.integer({ min: 1, max: 5 }), cols: fc.constantFrom(4, 8) }),
    });
    await fc.assert(fc.asyncProperty(arb, runForward), { numRuns: 40 });
  });

  it('handles the seed layers in miniature: conv1 (C=1, 3x3) and conv2 (32 -> 64)', async () => {
    const base = { batch: 2, kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: 'valid' as const };
    await runForward({ g: { ...base, height: 28, width: 28, channels: 1, filters: 32 }, threads: 2, seed: 3, bias: true, tile: { rows: 4, cols: 8 } });
    await runForward({ g: { ...base, height: 13, width: 13, channels: 32, filters: 64 }, threads: 2, seed: 4, bias: true, tile: { rows: 4, cols: 8 } });
  });

  it('rejects a kernel larger than a valid-padded input, in one line', () => {
    const g = { batch: 1, height: 2, width: 5, channels: 1, filters: 1, kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: 'valid' as const };
    assert.throws(() => emitConv2d({ ...g, name: 'c', xOffset: 0, kernelOffset: 64, yOffset: 128, scratchOffset: 0 }),
      /^Error: conv2d c: a 3x3 kernel does not fit a 2x5 input with 'valid' padding$/);
  });
});
