// The page's examples: the gzipped IDX files nnc web wrote (a sample of the model's data),
// fetched, inflated with the browser's DecompressionStream and scaled to [0, 1] exactly as
// nnc's loaders scale them (byte / 255), so the page and `nnc predict` see the same values.

import type { Dataset } from '../runtime/data/dataset';
import { fetchBytes, type Fetch } from '../runtime/model-fetch';
import type { SiteImages } from './site';

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** An IDX file of unsigned bytes with `rank` dimensions: its dims and data; throws naming `url`. */
export function parseIdxBytes(bytes: Uint8Array, rank: number, url: string): { dims: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = 4 + 4 * rank;
  if (bytes.length < header || view.getUint16(0) !== 0 || bytes[2] !== 0x08 || bytes[3] !== rank) {
    throw new Error(`${url}: not an IDX file of unsigned bytes with ${rank} dimensions`);
  }
  const dims = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) throw new Error(`${url}: ${bytes.length} bytes, expected ${header + size} for [${dims.join(', ')}]`);
  return { dims, data: bytes.subarray(header) };
}

/** The images and labels of one set, as a Dataset. */
export async function fetchImages(set: SiteImages, base: string, fetchFn: Fetch, classes: number): Promise<Dataset> {
  const imagesUrl = new URL(set.images, base).href;
  const labelsUrl = new URL(set.labels, base).href;
  const [imageBytes, labelBytes] = await Promise.all([imagesUrl, labelsUrl].map(async (u) => gunzip(await fetchBytes(u, fetchFn))));
  const images = parseIdxBytes(imageBytes, 3, imagesUrl);
  const labels = parseIdxBytes(labelBytes, 1, labelsUrl);
  const [count, height, width] = images.dims;
  if (count !== set.count || labels.dims[0] !== count) throw new Error(`${imagesUrl}: ${count} images and ${labels.dims[0]} labels; site.json says ${set.count}`);
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  return { x, labels: labels.data, count, inputShape: [height, width, 1], classes };
}

/** Examples [start, end) of `ds`, as a view. */
export function slice(ds: Dataset, start: number, end: number): Dataset {
  const size = ds.x.length / ds.count;
  return { ...ds, x: ds.x.subarray(start * size, end * size), labels: ds.labels.subarray(start, end), count: end - start };
}
