// What `nnc web` builds for a model: which batch sizes the page offers for training, and
// which programs that takes (each training batch size and the last, partial batch of the
// page's training and validation sets). A model file is compiled with them; a compiled
// model offers the sizes it already has programs for.

import type { BuildOptions } from '../../compiler/pipeline';
import type { CompiledModelFiles } from '../../format/manifest';
import { UsageError } from '../command';

/** The page's training and validation split, and the sample digits it classifies. */
export interface PageCounts {
  readonly train: number;
  readonly val: number;
  readonly test: number;
}

/** Batch sizes offered when --batch-sizes is not given: small ones for a quick try, and the model's own. */
export function defaultBatchSizes(fitBatch: number): number[] {
  return [...new Set([32, 128, fitBatch])].sort((a, b) => a - b);
}

const rest = (n: number, b: number): number[] => (n % b === 0 ? [] : [n % b]);

/** The programs a model file needs for the page to train at each of `batches` (and evaluate its sets). */
export function buildSizes(batches: readonly number[], counts: PageCounts): BuildOptions {
  return {
    trainBatches: batches.flatMap((b) => [b, ...rest(counts.train, b)]),
    inferBatches: batches.flatMap((b) => [b, ...rest(counts.val, b), ...rest(counts.test, b)]),
  };
}

/** The sizes of `wanted` a compiled model can train the page's training set at; a UsageError when none. */
export function trainableSizes(compiled: CompiledModelFiles, wanted: readonly number[], counts: PageCounts, arg: string): number[] {
  const have = new Set(compiled.manifest.cpu.filter((p) => p.mode === 'train').map((p) => p.batch));
  const ok = wanted.filter((b) => have.has(b) && rest(counts.train, b).every((r) => have.has(r)));
  if (ok.length > 0) return ok;
  const need = [...new Set(wanted.flatMap((b) => [b, ...rest(counts.train, b)]))].sort((a, b) => a - b);
  throw new UsageError(`${arg} has no training programs for the page's batch sizes ${wanted.join(', ')} over ${counts.train} training images `
    + `(it has ${[...have].sort((a, b) => a - b).join(', ') || 'none'}); rebuild it with nnc build <model.ts> --train-batches ${need.join(',')}, or give nnc web the model file`);
}

/** A --batch-sizes list: whole numbers >= 1, comma-separated. */
export function parseBatchSizes(value: string): number[] {
  const sizes = value.split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new UsageError(`--batch-sizes takes whole numbers >= 1 separated by commas, got '${value}'`);
  }
  return [...new Set(sizes)].sort((a, b) => a - b);
}
