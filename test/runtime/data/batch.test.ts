import { strict as assert } from 'assert';
import fc from 'fast-check';
import { Batcher, fillBatch } from '../../../runtime/data/batch';
import type { Dataset } from '../../../runtime/data/dataset';
import { Rng } from '../../../format/rng';

function dataset(count: number, classes: number): Dataset {
  const x = new Float32Array(count * 3).map((_, i) => i / 10);
  const labels = new Uint8Array(count).map((_, i) => (i * 7) % classes);
  return { x, labels, count, inputShape: [3, 1, 1], classes };
}

describe('fillBatch', () => {
  it('copies the indexed examples with one-hot labels', () => {
    const ds = dataset(5, 4);
    const x = new Float32Array(6).fill(-1);
    const labels = new Float32Array(8).fill(-1);
    fillBatch(ds, Uint32Array.of(4, 1, 3), 1, 2, x, labels, 'onehot');
    assert.deepEqual(Array.from(x), [0.3, 0.4, 0.5, 0.9, 1.0, 1.1].map(Math.fround));
    // example 1 has label 7 % 4 = 3, example 3 has label 21 % 4 = 1
    assert.deepEqual(Array.from(labels), [0, 0, 0, 1, 0, 1, 0, 0]);
  });

  it('writes sparse labels as one float each', () => {
    const ds = dataset(5, 4);
    const labels = new Float32Array(3);
    fillBatch(ds, Uint32Array.of(2, 0, 4), 0, 3, new Float32Array(9), labels, 'sparse');
    assert.deepEqual(Array.from(labels), [2, 0, 0]);
  });

  it('matches a direct gather for random batches', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 8 }), fc.nat(), (count, batch, seed) => {
      const ds = dataset(count, 10);
      const order = new Rng(seed).permutation(count);
      const n = Math.min(batch, count);
      const x = new Float32Array(batch * 3);
      const labels = new Float32Array(batch * 10);
      fillBatch(ds, order, 0, n, x, labels, 'onehot');
      for (let b = 0; b < n; b++) {
        const e = order[b];
        assert.deepEqual(Array.from(x.subarray(b * 3, b * 3 + 3)), Array.from(ds.x.subarray(e * 3, e * 3 + 3)));
        const row = labels.subarray(b * 10, b * 10 + 10);
        assert.equal(row.indexOf(1), ds.labels[e]);
        assert.equal(row.reduce((a, v) => a + v, 0), 1);
      }
    }), { numRuns: 50 });
  });

  it('rejects too-small buffers and out-of-range indices', () => {
    const ds = dataset(4, 4);
    assert.throws(() => fillBatch(ds, Uint32Array.of(0, 1), 0, 2, new Float32Array(5), new Float32Array(8), 'onehot'), RangeError);
    assert.throws(() => fillBatch(ds, Uint32Array.of(0, 9), 0, 2, new Float32Array(6), new Float32Array(8), 'onehot'), RangeError);
    assert.throws(() => fillBatch(ds, Uint32Array.of(0, 1), 1, 2, new Float32Array(6), new Float32Array(8), 'onehot'), RangeError);
  });
});

describe('Batcher', () => {
  it('visits every example once per epoch, in the order of rng.permutation', () => {
    const ds = dataset(7, 3);
    const batcher = new Batcher(ds, 3, 'sparse');
    assert.equal(batcher.batchCount, 3);
    batcher.startEpoch(new Rng(42));
    const expected = new Rng(42).permutation(7);
    const seen: number[] = [];
    for (let b = 0; b < batcher.batchCount; b++) {
      const n = batcher.fill(b);
      for (let i = 0; i < n; i++) seen.push(Math.round(batcher.x[i * 3] * 10) / 3);
    }
    assert.deepEqual(seen, Array.from(expected));
  });

  it('walks in dataset order without an rng', () => {
    const batcher = new Batcher(dataset(4, 3), 4, 'sparse');
    batcher.startEpoch(null);
    assert.equal(batcher.fill(0), 4);
    assert.deepEqual(Array.from(batcher.labels), [0, 1, 2, 0]);
  });
});
