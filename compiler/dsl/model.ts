// model(): the whole description of a model, its training and its data, as a Keras
// Sequential model plus its compile() and fit() arguments.

import type { DataSpec, FitSpec, LayerSpec, LossName, ModelSpec, OptimizerSpec } from './spec';
import { dataSource } from './data';
import { readLayer } from './layers/table';
import { optional, readOptions, required } from './options';
import { optimizer } from './optimizers';
import { at, bool, fail, failWith, numberIn, oneOf, positiveInt, type Ctx, type Parser } from './validate';

export interface FitOptions {
  batchSize?: number;
  epochs?: number;
  /** Fraction of the training data held out for validation, in [0, 1). */
  validationSplit?: number;
  shuffle?: boolean;
  /** Seeds weight initialisation, shuffling and dropout masks (a 32-bit unsigned integer). */
  seed?: number;
}

export interface ModelOptions {
  name: string;
  /** Input shape without the batch axis, channels-last: [height, width, channels] or [features]. */
  input: readonly number[];
  layers: readonly LayerSpec[];
  loss: LossName;
  optimizer: OptimizerSpec;
  metrics?: readonly 'accuracy'[];
  fit?: FitOptions;
  data: DataSpec;
}

const LOSSES: readonly LossName[] = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'meanSquaredError'];
// At most 100 characters: the name becomes folder names (<name>.nnc, runs/<name>-<time>),
// which must stay under the filesystem's 255-byte limit.
const MODEL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

const modelName: Parser<string> = (v, ctx) =>
  typeof v === 'string' && MODEL_NAME.test(v) ? v : fail(ctx, 'a name of at most 100 letters, digits, _, . and - (e.g. "mnist-prelu")', v);

const inputShape: Parser<readonly number[]> = (v, ctx) => {
  if (!Array.isArray(v) || (v.length !== 1 && v.length !== 3)) return fail(ctx, '[height, width, channels] or [features]', v);
  return v.map((d: unknown, i) => positiveInt(d, at(ctx, i)));
};

const layerList: Parser<readonly LayerSpec[]> = (v, ctx) => {
  if (!Array.isArray(v) || v.length === 0) return fail(ctx, 'a non-empty array of layers', v);
  const layers = v.map((layer: unknown, i) => readLayer(layer, at(ctx, i)));
  const seen = new Set<string>();
  layers.forEach((layer, i) => {
    if (layer.name === null) return;
    if (seen.has(layer.name)) failWith({ fn: ctx.fn, path: [...ctx.path, i, 'name'] }, `repeats the layer name '${layer.name}'`);
    seen.add(layer.name);
  });
  return layers;
};

const metricList: Parser<readonly 'accuracy'[]> = (v, ctx) => {
  if (!Array.isArray(v)) return fail(ctx, "an array of metrics (['accuracy'])", v);
  const metrics = v.map((m: unknown, i) => oneOf(['accuracy'] as const)(m, at(ctx, i)));
  if (metrics.length > 1) failWith(at(ctx, 1), "repeats 'accuracy'");
  return metrics;
};

const fitOptions: Parser<FitSpec> = (v, ctx) => {
  const o = readOptions(v, ctx, ['batchSize', 'epochs', 'validationSplit', 'shuffle', 'seed']);
  return {
    batchSize: optional(o, 'batchSize', positiveInt, 32),
    epochs: optional(o, 'epochs', positiveInt, 1),
    validationSplit: optional(o, 'validationSplit', numberIn(0, 1, { hi: true }), 0),
    shuffle: optional(o, 'shuffle', bool, true),
    seed: optional(o, 'seed', (s, c) => (Number.isInteger(s) && Number(s) >= 0 && Number(s) <= 0xffffffff ? Number(s) : fail(c, 'an integer in [0, 4294967295]', s)), 0),
  };
};

export function readModel(raw: unknown, ctx: Ctx): ModelSpec {
  const o = readOptions(raw, ctx, ['name', 'input', 'layers', 'loss', 'optimizer', 'metrics', 'fit', 'data']);
  return {
    name: required(o, 'name', modelName),
    input: required(o, 'input', inputShape),
    layers: required(o, 'layers', layerList),
    loss: required(o, 'loss', oneOf(LOSSES)),
    optimizer: required(o, 'optimizer', optimizer),
    metrics: optional(o, 'metrics', metricList, []),
    fit: optional(o, 'fit', fitOptions, fitOptions({}, at(ctx, 'fit'))),
    data: required(o, 'data', dataSource),
  };
}

/** The model: layers applied in order to the input, trained with `loss` and `optimizer` on `data`. */
export function model(options: ModelOptions): ModelSpec {
  return readModel(options, { fn: 'model', path: [] });
}
