import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { emitDropoutMasks } from '../../../../../compiler/codegen/cpu/wat/masks';
import { Rng } from '../../../../../format/rng';
import { jumpState } from '../../../../../format/rng-jump';
import { loadKernels } from './loopHarness';

/** Rng's state after `k` draws, by drawing them (the oracle for jumpState and the threads' starts). */
function stepped(seed: number, k: number): readonly number[] {
  const r = new Rng(seed);
  for (let i = 0; i < k; i++) r.nextU32();
  return r.state();
}

describe('codegen/cpu/wat/masks', () => {
  it('draws bit for bit the masks Rng.fillMask draws, each of nth threads its slice from its own start state', async () => {
    const masks = fc.array(fc.record({ count: fc.integer({ min: 1, max: 300 }), rate: fc.oneof(fc.constantFrom(0, 0.25, 0.5, 0.999999), fc.double({ min: 0, max: 0.99, noNaN: true })) }), { minLength: 1, maxLength: 3 });
    await fc.assert(fc.asyncProperty(masks, fc.nat(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), async (spec, seed, nth, streams) => {
      const states = 16 * streams;
      let cursor = states;
      const placed = spec.map((m) => { const at = { ...m, offset: cursor }; cursor += 4 * m.count; return at; });
      const draws = spec.reduce((n, m) => n + m.count, 0);
      const k = await loadKernels([emitDropoutMasks({ name: 'masks', state: 0, streams, masks: placed })], cursor);
      const drawers = Math.min(nth, streams);
      for (let t = 0; t < drawers; t++) new Uint32Array(k.memory.buffer, 16 * t, 4).set(stepped(seed, Math.floor((draws * t) / drawers)));
      // Threads past the drawers draw nothing; the others in reverse order: no slice depends on another.
      for (let t = nth - 1; t >= drawers; t--) k.run('masks', t, nth);
      assert.ok(placed.every((m) => k.f32(m.offset, m.count).every((v) => v === 0)), 'a thread without a stream drew');
      for (let t = drawers - 1; t >= 0; t--) k.run('masks', t, nth);
      const rng = new Rng(seed);
      for (const m of placed) {
        const want = new Float32Array(m.count);
        rng.fillMask(want, m.rate, 1 / (1 - m.rate));
        assert.deepEqual(k.f32(m.offset, m.count), want);
      }
    }), { numRuns: 80 });
  });

  it('jumps Rng ahead by any number of draws to the state drawing them reaches', () => {
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 0, max: 5000 }), (seed, n) => {
      assert.deepEqual(jumpState(new Rng(seed).state(), n), stepped(seed, n));
    }), { numRuns: 40 });
    assert.deepEqual(jumpState(new Rng(9).state(), 1_000_003), stepped(9, 1_000_003));
  });

  it('refuses malformed masks in one line', () => {
    assert.throws(() => emitDropoutMasks({ name: 'm', state: 0, streams: 1, masks: [{ offset: 16, count: 4, rate: 1 }] }), /dropout masks 'm': mask 0 rate 1 is not in \[0, 1\)/);
    assert.throws(() => emitDropoutMasks({ name: 'm', state: 2, streams: 1, masks: [] }), /state must be a non-negative multiple of 4, got 2/);
    assert.throws(() => emitDropoutMasks({ name: 'm', state: 0, streams: 0, masks: [] }), /streams must be a positive integer, got 0/);
  });
});
