import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { FASHION_MNIST_DIR, fashionMnistDir, loadIdxDataset, loadIdxDir, loadIdxImages } from '../../../runtime/data/dataset';
import { encodeIdx, scratchDir } from './idx-files';

/** Big-endian float32 IDX bytes, written with Buffer's own writer. */
function float32Idx(dims: number[], values: number[]): Buffer {
  const data = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => data.writeFloatBE(v, i * 4));
  return Buffer.from(encodeIdx(dims, data, 0x0d));
}

function int32Idx(dims: number[], values: number[]): Buffer {
  const data = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => data.writeInt32BE(v, i * 4));
  return Buffer.from(encodeIdx(dims, data, 0x0c));
}

describe('IDX sets of any type and rank', () => {
  let dir: string;
  before(() => { dir = scratchDir(); });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('an idx2 float32 folder, gzipped, loads as [features] with the values as stored', () => {
    const sub = path.join(dir, 'tab');
    fs.mkdirSync(sub);
    const train = [0.5, -2, 1e-3, 7, 3.25, 0, -0.125, 100];
    fs.writeFileSync(path.join(sub, 'train-images-idx2-float.gz'), zlib.gzipSync(float32Idx([2, 4], train)));
    fs.writeFileSync(path.join(sub, 'train-labels-idx1-ubyte.gz'), zlib.gzipSync(encodeIdx([2], Uint8Array.of(2, 0))));
    fs.writeFileSync(path.join(sub, 't10k-images-idx2-float'), float32Idx([1, 4], [1, 2, 3, 4]));
    fs.writeFileSync(path.join(sub, 't10k-labels-idx1-ubyte'), encodeIdx([1], Uint8Array.of(1)));
    const sets = loadIdxDir(sub, 3);
    assert.deepEqual(sets.train.inputShape, [4]);
    assert.deepEqual(Array.from(sets.train.x), train.map(Math.fround));
    assert.deepEqual(Array.from(sets.train.labels), [2, 0]);
    assert.deepEqual(Array.from(sets.test.x), [1, 2, 3, 4]);
    assert.equal(sets.pixels, false);
    assert.deepEqual(Object.keys(sets.hashes).sort(), ['t10k-images', 't10k-labels', 'train-images', 'train-labels']);
  });

  it('idx2 bytes are features [n, f] (no channel axis), scaled by 255; idx4 bytes are colour images', () => {
    const two = path.join(dir, 'two-idx2-ubyte');
    fs.writeFileSync(two, encodeIdx([1, 3], Uint8Array.of(0, 51, 255)));
    const x2 = loadIdxImages(two);
    assert.deepEqual(x2.inputShape, [3]);
    assert.deepEqual(Array.from(x2.x), [0, 0.2, 1].map(Math.fround));
    assert.deepEqual(Array.from(loadIdxImages(two, 'none').x), [0, 51, 255]);
    const four = path.join(dir, 'four-idx4-ubyte');
    fs.writeFileSync(four, encodeIdx([1, 1, 2, 3], Uint8Array.of(1, 2, 3, 4, 5, 6)));
    assert.deepEqual(loadIdxImages(four).inputShape, [1, 2, 3]);
  });

  it('int32 labels carry more than 255 classes', () => {
    const images = path.join(dir, 'many-images');
    const labels = path.join(dir, 'many-labels');
    fs.writeFileSync(images, encodeIdx([3, 1], Uint8Array.of(1, 2, 3)));
    fs.writeFileSync(labels, int32Idx([3], [0, 299, 1000]));
    const ds = loadIdxDataset(images, labels, 1001);
    assert.deepEqual(Array.from(ds.labels), [0, 299, 1000]);
    assert.throws(() => loadIdxDataset(images, labels, { count: 300, owner: 'models/m.ts (its last layer has 300 units)' }), {
      message: `${labels}: label 1000 at index 2 is outside 0..299, the classes of models/m.ts (its last layer has 300 units)`,
    });
  });

  it('a label that is not an integer is one line naming the file and index', () => {
    const images = path.join(dir, 'f-images');
    const labels = path.join(dir, 'f-labels');
    fs.writeFileSync(images, encodeIdx([2, 1], Uint8Array.of(1, 2)));
    fs.writeFileSync(labels, float32Idx([2], [1, 0.5]));
    assert.throws(() => loadIdxDataset(images, labels, 3), { message: `${labels}: label 0.5 at index 1 is not an integer class index (the file holds float32)` });
  });

  it('Fashion-MNIST: the Debian files load as 60000 + 10000 28x28 images of 10 classes; absent, one line says how to get them', function () {
    this.timeout(60000);
    const missing = path.join(dir, 'no-fashion');
    assert.throws(() => fashionMnistDir(missing), {
      message: `${missing}: Fashion-MNIST is not installed: install it with \`apt-get install dataset-fashion-mnist\` (Debian, Ubuntu), `
        + 'or download its four IDX files and point --data at their folder',
    });
    if (!fs.existsSync(FASHION_MNIST_DIR)) return this.skip();
    const { train, test } = loadIdxDir(fashionMnistDir());
    assert.deepEqual([train.count, test.count], [60000, 10000]);
    assert.deepEqual(train.inputShape, [28, 28, 1]);
    // Fashion-MNIST is balanced: exactly 6000 training and 1000 test images per class.
    for (const [ds, per] of [[train, 6000], [test, 1000]] as const) {
      const counts = new Array<number>(10).fill(0);
      for (const l of ds.labels) counts[l]++;
      assert.deepEqual(counts, new Array<number>(10).fill(per));
    }
  });

  it('a file whose name says another rank than it holds is refused', () => {
    const sub = path.join(dir, 'rank');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'train-images-idx3-ubyte'), encodeIdx([2, 4], new Uint8Array(8)));
    fs.writeFileSync(path.join(sub, 'train-labels-idx1-ubyte'), encodeIdx([2], Uint8Array.of(0, 1)));
    assert.throws(() => loadIdxDir(sub), { message: `${path.join(sub, 'train-images-idx3-ubyte')}: its name says idx3 but the file has 2 dimensions` });
  });
});
