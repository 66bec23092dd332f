// model(): the whole description of a model, its training and its data, as a Keras
// Sequential model plus its compile() and fit() arguments.

import type { CallbackSpec, DataSpec, FitSpec, LayerSpec, LossName, LossSpec, MetricSpec, ModelSpec, OptimizerSpec, TopKMetricSpec } from './spec';
import { dataSource } from './data';
import { readLayer } from './layers/table';
import { optional, readOptions, required, type Options } from './options';
import { optimizer } from './optimizers';
import { callbackList } from './callbacks';
import { isCrossentropy, readLoss, readMetrics } from './losses';
import { at, bool, fail, failWith, numberIn, positiveInt, type Ctx, type Parser } from './validate';

export interface FitOptions {
  batchSize?: number;
  epochs?: number;
  /** Fraction of the training data held out for validation, in [0, 1). */
  validationSplit?: number;
  shuffle?: boolean;
  /** Seeds weight initialisation, shuffling and dropout masks (a 32-bit unsigned integer). */
  seed?: number;
  /** As TF.js' fit: [earlyStopping({ ... })]. */
  callbacks?: readonly CallbackSpec[];
}

export interface ModelOptions {
  name: string;
  /** Input shape without the batch axis, channels-last: [height, width, channels] or [features]. */
  input: readonly number[];
  layers: readonly LayerSpec[];
  /** A name, or a call with options: categoricalCrossentropy({ fromLogits: true }). */
  loss: LossName | LossSpec;
  /** What the loss's own fromLogits option says (the spec model() returns keeps it here). */
  fromLogits?: boolean;
  optimizer: OptimizerSpec;
  metrics?: readonly (MetricSpec | TopKMetricSpec['kind'])[];
  fit?: FitOptions;
  data: DataSpec;
}

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

/** The loss's fromLogits, given by the loss call or (as model() returns it) beside the loss name. */
function fromLogitsOf(o: Options, loss: { readonly loss: LossName; readonly fromLogits: boolean | null }): boolean {
  const beside = optional<boolean | null>(o, 'fromLogits', bool, null);
  const ctx = at(o.ctx, 'fromLogits');
  if (beside === true && !isCrossentropy(loss.loss)) failWith(ctx, `applies to the cross-entropy losses only, not ${loss.loss}`);
  if (beside !== null && loss.fromLogits !== null && beside !== loss.fromLogits) failWith(ctx, `is ${beside} but the loss says fromLogits: ${loss.fromLogits}`);
  return loss.fromLogits ?? beside ?? false;
}

const fitOptions: Parser<FitSpec> = (v, ctx) => {
  const o = readOptions(v, ctx, ['batchSize', 'epochs', 'validationSplit', 'shuffle', 'seed', 'callbacks']);
  const callbacks = optional<readonly CallbackSpec[] | null>(o, 'callbacks', callbackList, null);
  return {
    batchSize: optional(o, 'batchSize', positiveInt, 32),
    epochs: optional(o, 'epochs', positiveInt, 1),
    validationSplit: optional(o, 'validationSplit', numberIn(0, 1, { hi: true }), 0),
    shuffle: optional(o, 'shuffle', bool, true),
    seed: optional(o, 'seed', (s, c) => (Number.isInteger(s) && Number(s) >= 0 && Number(s) <= 0xffffffff ? Number(s) : fail(c, 'an integer in [0, 4294967295]', s)), 0),
    ...(callbacks === null ? {} : { callbacks }),
  };
};

export function readModel(raw: unknown, ctx: Ctx): ModelSpec {
  const o = readOptions(raw, ctx, ['name', 'input', 'layers', 'loss', 'fromLogits', 'optimizer', 'metrics', 'fit', 'data']);
  const loss = required(o, 'loss', readLoss);
  return {
    name: required(o, 'name', modelName),
    input: required(o, 'input', inputShape),
    layers: required(o, 'layers', layerList),
    loss: loss.loss,
    ...(fromLogitsOf(o, loss) ? { fromLogits: true } : {}),
    optimizer: required(o, 'optimizer', optimizer),
    metrics: optional(o, 'metrics', (v, c) => readMetrics(v, c, loss.loss), []),
    fit: optional(o, 'fit', fitOptions, fitOptions({}, at(ctx, 'fit'))),
    data: required(o, 'data', dataSource),
  };
}

/** The model: layers applied in order to the input, trained with `loss` and `optimizer` on `data`. */
export function model(options: ModelOptions): ModelSpec {
  return readModel(options, { fn: 'model', path: [] });
}
