import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ALIGN, alignUp, planMemory, type BufferRequest } from '../../../compiler/passes/memory';

const arbRequests: fc.Arbitrary<BufferRequest[]> = fc
  .array(fc.record({
    bytes: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constantFrom(1, 63, 64, 65)),
    first: fc.nat({ max: 30 }),
    length: fc.nat({ max: 12 }),
    pinned: fc.boolean(),
  }), { maxLength: 30 })
  .map((rs) => rs.map((r, k) => ({ key: `b${k}`, bytes: r.bytes, first: r.first, last: r.first + r.length, pinned: r.pinned })));

/** Byte ranges [a0, a1) and [b0, b1) share a byte (an empty range shares none). */
const overlaps = (a0: number, a1: number, b0: number, b1: number): boolean => a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1;

describe('planMemory', () => {
  it('never overlaps two buffers that are live at the same time', () => {
    fc.assert(fc.property(arbRequests, (requests) => {
      const plan = planMemory(requests);
      const span = (r: BufferRequest): [number, number] => {
        const start = plan.offsets.get(r.key) as number;
        return [start, start + r.bytes];
      };
      for (let i = 0; i < requests.length; i++) {
        for (let j = i + 1; j < requests.length; j++) {
          const a = requests[i], b = requests[j];
          const together = a.pinned || b.pinned || (a.first <= b.last && b.first <= a.last);
          if (!together) continue;
          const [a0, a1] = span(a), [b0, b1] = span(b);
          assert.ok(!overlaps(a0, a1, b0, b1), `${a.key} [${a0},${a1}) and ${b.key} [${b0},${b1}) overlap while both live`);
        }
      }
    }), { numRuns: 300 });
  });

  it('lays pinned buffers out first, in request order, aligned; temporaries after them', () => {
    fc.assert(fc.property(arbRequests, (requests) => {
      const plan = planMemory(requests);
      let cursor = 0;
      for (const r of requests.filter((x) => x.pinned)) {
        assert.equal(plan.offsets.get(r.key), cursor, r.key);
        cursor = alignUp(cursor + r.bytes);
      }
      assert.equal(plan.pinnedBytes, cursor);
      for (const r of requests) {
        const offset = plan.offsets.get(r.key) as number;
        assert.equal(offset % ALIGN, 0, `${r.key} at ${offset}`);
        assert.equal(plan.bytes.get(r.key), r.bytes);
        if (!r.pinned) assert.ok(offset >= plan.pinnedBytes, `temporary ${r.key} at ${offset} inside the pinned area`);
        assert.ok(offset + r.bytes <= plan.totalBytes, `${r.key} ends past totalBytes`);
      }
    }), { numRuns: 200 });
  });

  it('reports the peak of live bytes, which never exceeds the total', () => {
    fc.assert(fc.property(arbRequests, (requests) => {
      const plan = planMemory(requests);
      assert.ok(plan.peakLiveBytes <= plan.totalBytes);
      const biggest = Math.max(0, ...requests.filter((r) => !r.pinned).map((r) => alignUp(Math.max(r.bytes, 1))));
      assert.ok(plan.peakLiveBytes >= plan.pinnedBytes + biggest);
    }), { numRuns: 200 });
  });

  it('shares space between temporaries whose lifetimes do not meet', () => {
    const plan = planMemory([
      { key: 'w', bytes: 100, first: 0, last: 9, pinned: true },
      { key: 'a', bytes: 1000, first: 0, last: 2 },
      { key: 'b', bytes: 1000, first: 3, last: 5 },
      { key: 'c', bytes: 500, first: 2, last: 3 },
    ]);
    assert.equal(plan.offsets.get('w'), 0);
    assert.equal(plan.pinnedBytes, 128);
    assert.equal(plan.offsets.get('a'), 128);
    assert.equal(plan.offsets.get('b'), 128, 'b reuses a\'s space');
    assert.equal(plan.offsets.get('c'), 128 + 1024);
    assert.equal(plan.totalBytes, 128 + 1024 + 512);
    assert.equal(plan.peakLiveBytes, 128 + 1024 + 512);
  });

  it('rejects a key requested twice', () => {
    assert.throws(() => planMemory([{ key: 'x', bytes: 4, first: 0, last: 1 }, { key: 'x', bytes: 4, first: 2, last: 3 }]), /buffer 'x' requested twice/);
    assert.throws(() => planMemory([{ key: 'x', bytes: 4, first: 0, last: 1, pinned: true }, { key: 'x', bytes: 4, first: 0, last: 1, pinned: true }]), /requested twice/);
  });
});
