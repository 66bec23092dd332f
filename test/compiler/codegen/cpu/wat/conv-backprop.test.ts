import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { conv2dBackpropFilterScratchBytes, emitConv2dBackpropFilter } from '../../../../../compiler/codegen/cpu/wat/conv-backprop-filter';
import { conv2dBackpropInputScratchBytes, emitConv2dBackpropInput } from '../../../../../compiler/codegen/cpu/wat/conv-backprop-input';
import { conv2dBackpropFilterRef, conv2dBackpropInputRef, geometryArb, refShape, type RefGeometry } from './conv-reference';
import { assertClose, assertUntouched, instantiate, Layout, read, runPhases, values, write } from './wat-harness';

interface Case { g: RefGeometry; threads: number; seed: number; accumulate: boolean; tile: { rows: number; cols: number } }

const caseArb: fc.Arbitrary<Case> = fc.record({
  g: geometryArb, threads: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 1, max: 1 << 30 }), accumulate: fc.boolean(),
  tile: fc.record({ rows: fc.integer({ min: 1, max: 5 }), cols: fc.constantFrom(4, 8) }),
});

async function runFilter(c: Case): Promise<void> {
  const { g } = c;
  const s = refShape(g);
  const L = new Layout();
  const X = L.alloc(g.batch * g.height * g.width * g.channels);
  const DY = L.alloc(g.batch * s.oh * s.ow * g.filters);
  const DW = L.alloc(g.kernelHeight * g.kernelWidth * g.channels * g.filters);
  const scratch = L.alloc(conv2dBackpropFilterScratchBytes(g) / 4);
  const phases = emitConv2dBackpropFilter({ ...g, name: 'dw', xOffset: X.offset, dyOffset: DY.offset, dwOffset: DW.offset, scratchOffset: scratch.offset, accumulate: c.accumulate, tile: c.tile });
  const inst = await instantiate(phases, L.bytes);
  const x = values(X.floats, c.seed), dy = values(DY.floats, c.seed + 1), dw0 = values(DW.floats, c.seed + 2);
  write(inst.f32, X, x); write(inst.f32, DY, dy); write(inst.f32, DW, dw0);
  const before = inst.f32.slice();
  runPhases(inst, phases, c.threads);
  const expected = conv2dBackpropFilterRef(g, x, dy);
  if (c.accumulate) expected.forEach((v, i) => { expected[i] = v + dw0[i]; });
  assertClose(read(inst.f32, DW), expected, `dW of ${JSON.stringify(c)}`);
  assertUntouched(inst.f32, before, [[DW.offset, DW.offset + 4 * DW.floats], [scratch.offset, scratch.offset + 4 * scratch.floats]]);
}

async function runInput(c: Case): Promise<void> {
  const { g } = c;
  const s = refShape(g);
  const L = new Layout();
  const DY = L.alloc(g.batch * s.oh * s.ow * g.filters);
  const W = L.alloc(g.kernelHeight * g.kernelWidth * g.channels * g.filters);
  const DX = L.alloc(g.batch * g.height * g.width * g.channels);
  const scratch = L.alloc(conv2dBackpropInputScratchBytes(g) / 4);
  const phases = emitConv2dBackpropInput({ ...g, name: 'dx', dyOffset: DY.offset, kernelOffset: W.offset, dxOffset: DX.offset, scratchOffset: scratch.offset, accumulate: c.accumulate, tile: c.tile });
  const expectedPhases = s.padded ? [...(c.accumulate ? ['dx_pad'] : []), 'dx', 'dx_crop'] : ['dx'];
  assert.deepEqual(phases.map((p) => p.name), ['dx_transpose', ...expectedPhases]);
  const inst = await instantiate(phases, L.bytes);
  const dy = values(DY.floats, c.seed), w = values(W.floats, c.seed + 1), dx0 = values(DX.floats, c.seed + 2);
  write(inst.f32, DY, dy); write(inst.f32, W, w); write(inst.f32, DX, dx0);
  const before = inst.f32.slice();
  runPhases(inst, phases, c.threads);
  const expected = conv2dBackpropInputRef(g, dy, w);
  if (c.accumulate) expected.forEach((v, i) => { expected[i] = v + dx0[i]; });
  assertClose(read(inst.f32, DX), expected, `dx of ${JSON.stringify(c)}`);
  assertUntouched(inst.f32, before, [[DX.offset, DX.offset + 4 * DX.floats], [scratch.offset, scratch.offset + 4 * scratch.floats]]);
}

const seedLayer = { batch: 2, kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: 'valid' as const };

describe('emitConv2dBackpropFilter', () => {
  it('matches the float64 im2col(x)^T·dy for valid/same padding, strides 1 and 2, any tile and thread count', async () => {
    await fc.assert(fc.asyncProperty(caseArb, runFilter), { numRuns: 40 });
  });

  it('handles the seed layers in miniature: conv1 (C=1) and conv2 (32 -> 64)', async () => {
    await runFilter({ g: { ...seedLayer, height: 28, width: 28, channels: 1, filters: 32 }, threads: 2, seed: 5, accumulate: false, tile: { rows: 4, cols: 8 } });
    await runFilter({ g: { ...seedLayer, height: 13, width: 13, channels: 32, filters: 64 }, threads: 2, seed: 6, accumulate: false, tile: { rows: 4, cols: 8 } });
  });
});

describe('emitConv2dBackpropInput', () => {
  it('matches the float64 input gradient for valid/same padding, strides 1 and 2, any tile and thread count', async () => {
    await fc.assert(fc.asyncProperty(caseArb, runInput), { numRuns: 40 });
  });

  it('handles the seed conv2 layer in miniature (64 -> 32 channels back)', async () => {
    await runInput({ g: { ...seedLayer, height: 13, width: 13, channels: 32, filters: 64 }, threads: 2, seed: 7, accumulate: false, tile: { rows: 4, cols: 8 } });
  });
});
