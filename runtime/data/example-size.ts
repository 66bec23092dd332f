// The size of one example, apart from dataset.ts and its file loaders so that the training
// loop's modules load in a page (which has no file system).

import type { Dataset } from './dataset';

/** Values per example, e.g. 784 for [28, 28, 1]. */
export function inputSize(ds: Pick<Dataset, 'inputShape'>): number {
  return ds.inputShape.reduce((a, b) => a * b, 1);
}
