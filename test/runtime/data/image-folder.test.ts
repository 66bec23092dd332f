import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import { loadImageFolderSets, loadPngExamples } from '../../../runtime/data/image-folder';
import { DataError } from '../../../runtime/data/errors';
import { scratchDir } from './idx-files';

/** A PNG of `width` x `height` whose pixel p is rgba(p). */
function writePng(file: string, width: number, height: number, rgba: (p: number) => [number, number, number, number], colorType: 0 | 2 | 6 = 6): void {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) png.data.set(rgba(p), 4 * p);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, PNG.sync.write(png, { colorType }));
}

const space = (count: number) => ({ count, owner: 'm.ts (its last layer has 2 units)' });

describe('image folders', () => {
  let dir: string;
  before(() => { dir = scratchDir(); });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('classes are the sorted subfolders; grey and RGB pixels as the model takes them; other files skipped', () => {
    const root = path.join(dir, 'a');
    writePng(path.join(root, 'train', 'zebra', '1.png'), 2, 1, (p) => [10 + p, 20, 30, 255], 2);
    writePng(path.join(root, 'train', 'ant', 'x.PNG'), 2, 1, (p) => [100 * p, 100 * p, 100 * p, 255], 0);
    fs.writeFileSync(path.join(root, 'train', 'ant', 'notes.txt'), 'not an image');
    writePng(path.join(root, 'test', 'zebra', 'q.png'), 2, 1, () => [255, 0, 0, 9]);
    const rgb = loadImageFolderSets({ train: path.join(root, 'train'), test: path.join(root, 'test') }, space(2), [1, 2, 3], undefined);
    assert.deepEqual(rgb.classNames, ['ant', 'zebra']);
    assert.equal(rgb.train.count, 2);
    const byLabel = (label: number): number[] => {
      const i = Array.from(rgb.train.labels).indexOf(label);
      return Array.from(rgb.train.x.subarray(i * 6, i * 6 + 6), (v) => Math.round(v * 255));
    };
    assert.deepEqual(byLabel(0), [0, 0, 0, 100, 100, 100]);
    assert.deepEqual(byLabel(1), [10, 20, 30, 11, 20, 30]);
    assert.deepEqual(Array.from(rgb.test.labels), [1]);
    const grey = loadImageFolderSets({ train: path.join(root, 'train'), test: path.join(root, 'test') }, space(2), [1, 2, 1], 'none');
    // Pillow's luminance of (255, 0, 0): (255 * 19595 + 32768) >> 16 = 76.
    assert.deepEqual(Array.from(grey.test.x), [76, 76]);
    const i = Array.from(grey.train.labels).indexOf(0);
    assert.deepEqual(Array.from(grey.train.x.subarray(i * 2, i * 2 + 2)), [0, 100]);
  });

  it('a wrong size, an undecodable file, an unknown test class and too many classes are one line naming the file', () => {
    const root = path.join(dir, 'b');
    writePng(path.join(root, 'train', 'c0', 'ok.png'), 2, 2, () => [1, 1, 1, 255]);
    writePng(path.join(root, 'train', 'c1', 'big.png'), 3, 2, () => [1, 1, 1, 255]);
    const src = { train: path.join(root, 'train'), test: path.join(root, 'train') };
    const oneLine = (fn: () => unknown, message: string): void => {
      assert.throws(fn, (e: unknown) => e instanceof DataError && e.message === message);
    };
    oneLine(() => loadImageFolderSets(src, space(2), [2, 2, 1], undefined),
      `${path.join(root, 'train', 'c1', 'big.png')}: the image is 3x2 (width x height) but the model takes 2x2 (input [2, 2, 1])`);
    fs.rmSync(path.join(root, 'train', 'c1', 'big.png'));
    fs.writeFileSync(path.join(root, 'train', 'c1', 'bad.png'), 'not a png at all');
    assert.throws(() => loadImageFolderSets(src, space(2), [2, 2, 1], undefined),
      (e: unknown) => e instanceof DataError && e.message.startsWith(`${path.join(root, 'train', 'c1', 'bad.png')}: cannot decode it as a PNG image (`) && !e.message.includes('\n'));
    fs.rmSync(path.join(root, 'train', 'c1', 'bad.png'));
    writePng(path.join(root, 'test', 'c9', 'ok.png'), 2, 2, () => [1, 1, 1, 255]);
    oneLine(() => loadImageFolderSets({ ...src, test: path.join(root, 'test') }, space(2), [2, 2, 1], undefined),
      `${path.join(root, 'test', 'c9')}: class folder 'c9' is not one of the training folder's classes (c0, c1)`);
    oneLine(() => loadImageFolderSets(src, space(1), [2, 2, 1], undefined),
      `${path.join(root, 'train', 'c1')}: class folder 'c1' (class 1 of c0, c1) is outside 0..0, the classes of m.ts (its last layer has 2 units)`);
    oneLine(() => loadImageFolderSets(src, space(2), [4], undefined),
      `${src.train}: image data needs a model input [height, width, 1 or 3], but the model takes [4]`);
  });

  it('PNGs to predict: one file or a folder, in name order', () => {
    const root = path.join(dir, 'c');
    writePng(path.join(root, 'b.png'), 1, 1, () => [255, 255, 255, 255]);
    writePng(path.join(root, 'a.png'), 1, 1, () => [0, 0, 0, 255]);
    const all = loadPngExamples(root, [1, 1, 1], undefined);
    assert.deepEqual(all.files.map((f) => path.basename(f)), ['a.png', 'b.png']);
    assert.deepEqual(Array.from(all.x), [0, 1]);
    assert.deepEqual(Array.from(loadPngExamples(path.join(root, 'b.png'), [1, 1, 1], undefined).x), [1]);
  });
});
