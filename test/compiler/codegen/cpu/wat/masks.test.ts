import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { emitDropoutMasks } from '../../../../../compiler/codegen/cpu/wat/masks';
import { Rng } from '../../../../../format/rng';
import { loadKernels } from './loopHarness';

describe('codegen/cpu/wat/masks', () => {
  it('draws bit for bit the masks Rng.fillMask draws, mask after mask, and leaves the state where Rng does', async () => {
    const masks = fc.array(fc.record({ count: fc.integer({ min: 1, max: 300 }), rate: fc.oneof(fc.constantFrom(0, 0.25, 0.5, 0.999999), fc.double({ min: 0, max: 0.99, noNaN: true })) }), { minLength: 1, maxLength: 3 });
    await fc.assert(fc.asyncProperty(masks, fc.nat(), async (spec, seed) => {
      let cursor = 16;
      const placed = spec.map((m) => { const at = { ...m, offset: cursor }; cursor += 4 * m.count; return at; });
      const k = await loadKernels([emitDropoutMasks({ name: 'masks', state: 0, masks: placed })], cursor);
      const rng = new Rng(seed);
      new Uint32Array(k.memory.buffer, 0, 4).set(rng.state());
      for (const tid of [1, 2]) k.run('masks', tid, 3); // only thread 0 draws
      assert.ok(placed.every((m) => k.f32(m.offset, m.count).every((v) => v === 0)) && new Uint32Array(k.memory.buffer, 0, 4).every((w, i) => w === rng.state()[i]));
      k.run('masks', 0, 3);
      for (const m of placed) {
        const want = new Float32Array(m.count);
        rng.fillMask(want, m.rate, 1 / (1 - m.rate));
        assert.deepEqual(k.f32(m.offset, m.count), want);
      }
      assert.deepEqual(Array.from(new Uint32Array(k.memory.buffer, 0, 4)), [...rng.state()]);
    }), { numRuns: 60 });
  });

  it('refuses malformed masks in one line', () => {
    assert.throws(() => emitDropoutMasks({ name: 'm', state: 0, masks: [{ offset: 16, count: 4, rate: 1 }] }), /dropout masks 'm': mask 0 rate 1 is not in \[0, 1\)/);
    assert.throws(() => emitDropoutMasks({ name: 'm', state: 2, masks: [] }), /state must be a non-negative multiple of 4, got 2/);
  });
});
