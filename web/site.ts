// site.json: what `nnc web` wrote beside the page, and what the page and its engine worker
// read first. URLs are relative to the site's folder.

export const SITE_FILE = 'site.json';

export interface SiteImages {
  /** A gzipped IDX images file ([count, 28, 28]) and its labels file ([count]). */
  readonly images: string;
  readonly labels: string;
  readonly count: number;
}

export interface SiteConfig {
  readonly name: string;
  /** The compiled model's folder. */
  readonly model: string;
  /** A safetensors file of trained weights, or null: the model's seeded initial weights. */
  readonly weights: string | null;
  readonly train: SiteImages;
  readonly test: SiteImages;
  /** Test digits the page shows and classifies (the first of the test set). */
  readonly samples: number;
  /** Keras' validation_split of the training images, and the seed of the run (weights, order, dropout). */
  readonly validationSplit: number;
  readonly seed: number;
  readonly labelMode: 'onehot' | 'sparse';
  /** Batch sizes the compiled model can train this data at (its last, partial batch included), ascending. */
  readonly batchSizes: readonly number[];
  readonly defaultBatchSize: number;
}
