// The examples `nnc web` puts beside the page: the first images of the model's training and
// test sets as gzipped IDX files (the format nnc reads everywhere, so `nnc predict --input`
// and `nnc eval --data` read them too), with their labels.

import { encodeIdx } from '../../runtime/data/idx';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { Dataset } from '../../runtime/data/dataset';
import type { SiteImages } from '../../web/site';

export const DATA_DIR = 'data';

function idx(dims: readonly number[], data: Uint8Array): Buffer {
  return zlib.gzipSync(encodeIdx(dims, data), { level: 9 });
}

/** The first `count` examples of `ds`, written as `<prefix>-images-idx3-ubyte.gz` and labels. */
export function writeImages(dir: string, prefix: 'train' | 't10k', ds: Dataset, count: number): SiteImages {
  const n = Math.min(count, ds.count);
  const [height, width] = ds.inputShape;
  const size = height * width;
  // The loaders scaled bytes by 1/255; scaling back and rounding gives the file's bytes exactly.
  const pixels = new Uint8Array(n * size);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(ds.x[i] * 255);
  const images = `${DATA_DIR}/${prefix}-images-idx3-ubyte.gz`;
  const labels = `${DATA_DIR}/${prefix}-labels-idx1-ubyte.gz`;
  fs.mkdirSync(path.join(dir, DATA_DIR), { recursive: true });
  fs.writeFileSync(path.join(dir, images), idx([n, height, width], pixels));
  fs.writeFileSync(path.join(dir, labels), idx([n], Uint8Array.from(ds.labels.subarray(0, n))));
  return { images, labels, count: n };
}
