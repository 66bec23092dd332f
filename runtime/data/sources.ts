// A data source with its paths resolved, loaded into train and test sets for one model: its
// classes (ClassSpace) and input shape decide how labels are checked and images decoded.

import type { NormalizeMode } from './normalize';
import type { ClassSpace } from './classes';
import type { DataHashes, Dataset } from './dataset';
import { loadIdxDir, loadIdxTestSet } from './idx-sets';
import { loadCsvSets } from './csv';
import { loadImageFolderSets, loadImageFolderTestSet } from './image-folder';

/** A DSL data source (format/spec.ts DataSpec) with absolute paths; MNIST and Fashion-MNIST are IDX folders. */
export type ResolvedSource =
  | { readonly kind: 'idx'; readonly dir: string; readonly normalize?: NormalizeMode }
  | { readonly kind: 'csv'; readonly train: string; readonly test: string; readonly label: string; readonly classes: readonly string[] | null; readonly normalize?: NormalizeMode }
  | { readonly kind: 'imageFolder'; readonly train: string; readonly test: string; readonly normalize?: NormalizeMode };

export interface SourceSets {
  readonly train: Dataset;
  readonly test: Dataset;
  /** SHA-256 by part: a run's data identity, checked on resuming. */
  readonly hashes: DataHashes;
  /** Whether the examples are pixels (unsigned bytes): 'scale' is then a fixed /255. */
  readonly pixels: boolean;
  /** The classes' names in class-index order, where the data names them (CSV names, image folders). */
  readonly classNames: readonly string[] | null;
}

export function loadSource(src: ResolvedSource, space: ClassSpace, inputShape: readonly number[]): SourceSets {
  if (src.kind === 'csv') return { ...loadCsvSets(src, space), pixels: false };
  if (src.kind === 'imageFolder') return { ...loadImageFolderSets(src, space, inputShape, src.normalize), pixels: true };
  return { ...loadIdxDir(src.dir, space, src.normalize), classNames: null };
}

/** Only what evaluating needs: the test set (a CSV source reads its training file too, for the class order). */
export function loadSourceTestSet(src: ResolvedSource, space: ClassSpace, inputShape: readonly number[]): { test: Dataset; hashes: DataHashes; pixels: boolean } {
  if (src.kind === 'csv') {
    const sets = loadCsvSets(src, space);
    return { test: sets.test, hashes: { 'test-csv': sets.hashes['test-csv'] }, pixels: false };
  }
  if (src.kind === 'imageFolder') return { ...loadImageFolderTestSet(src, space, inputShape, src.normalize), pixels: true };
  return loadIdxTestSet(src.dir, space, src.normalize);
}
