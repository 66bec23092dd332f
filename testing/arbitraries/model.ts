// fast-check arbitraries of whole trainable models over everything the DSL offers: every
// layer and its options (strides, padding, both poolings, every activation, PReLU's shared
// axes, useBias), every initializer, regularizer and constraint, every loss, every optimizer
// with its settings, clipping and learning-rate schedules (model-optimizers.ts), inputs of rank 1 and 3, 2 to 20 classes, any batch size.
// Unlike arbModelSpec (spec.ts: any value the DSL accepts, for the front end), every model
// drawn here is built with the DSL's own functions, lowers by construction (a window never
// outgrows its map) and has values a float32 backend can be compared on (shapes stay tiny,
// factors and constants moderate). Options narrow it for tests that need less.

import fc from 'fast-check';
import {
  activation, globalAveragePooling2d, globalMaxPooling2d, reshape,
  avgPool2d, batchNormalization, constant, conv2d, dense, dropout, elu, flatten, glorotNormal, glorotUniform, heNormal, heUniform,
  l1, l1l2, l2, leakyRelu, maxNorm, maxPool2d, minMaxNorm, mnist, nonNeg, ones, prelu, relu, sigmoid, softmax, tanh, zeros,
  type ActivationName, type ConstraintSpec, type InitializerSpec, type LayerSpec, type LossName, type ModelSpec,
  type OptimizerSpec, type RegularizerSpec, type WeightOptions,
} from '../../compiler/dsl/index';
import { fitToShapes } from './model-shapes';
import { arbHead, LOSSES } from './model-heads';
import { arbOptimizerSpec } from './model-optimizers';

export { arbOptimizerSpec } from './model-optimizers';

export { modelFeatures, MODEL_FEATURES, missingFeatures } from './model-features';

export interface TrainableModelOptions {
  /** Input ranks drawn (default both: [features] and [height, width, channels]). */
  readonly ranks?: readonly (1 | 3)[];
  readonly optimizers?: readonly OptimizerSpec['kind'][];
  /** Draws the optimizer from this instead (e.g. Adam at a few learning rates). */
  readonly optimizer?: fc.Arbitrary<OptimizerSpec>;
  readonly losses?: readonly LossName[];
  /** 'random' keeps to the random initializers (no constant weights: no ties in max pooling). */
  readonly initializers?: 'all' | 'random';
  /** Draw regularizers and constraints (default true). */
  readonly regularizers?: boolean;
  readonly constraints?: boolean;
  /** Draw batchNormalization layers (default true). */
  readonly batchNorm?: boolean;
  /** Layers before flatten (image models, default 0 to 3) and dense-side layers before the head (default 2). */
  readonly minImageLayers?: number;
  readonly maxImageLayers?: number;
  readonly maxFlatLayers?: number;
  readonly batch?: { readonly min: number; readonly max: number };
  readonly classes?: { readonly min: number; readonly max: number };
  /** Largest input height and width (default 7); channels are 1 to 3. */
  readonly maxSide?: number;
  /** Most conv filters (default 3) and dense units (default 6) of a hidden layer. */
  readonly maxFilters?: number;
  readonly maxUnits?: number;
}

const HIDDEN: readonly ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu'];

function initializers(which: 'all' | 'random'): fc.Arbitrary<InitializerSpec> {
  const random = fc.constantFrom(glorotUniform(), glorotNormal(), heNormal(), heUniform());
  if (which === 'random') return random;
  return fc.oneof(
    { arbitrary: random, weight: 4 },
    { arbitrary: fc.constantFrom(zeros(), ones()), weight: 1 },
    { arbitrary: fc.constantFrom(-0.3, 0.1, 0.5).map((v) => constant(v)), weight: 1 },
  );
}

const REGULARIZERS: fc.Arbitrary<RegularizerSpec> = fc.oneof(
  fc.constantFrom(1e-3, 1e-2).map((f) => l1(f)),
  fc.constantFrom(1e-3, 1e-2).map((f) => l2(f)),
  fc.constantFrom(1e-3, 1e-2).map((f) => l1l2({ l1: f, l2: f / 2 })),
);

/** Constraints on a weight of `rank` axes; norm axes are any non-empty subset of its axes. */
function constraints(rank: number): fc.Arbitrary<ConstraintSpec> {
  const axis = fc.subarray([...Array(rank).keys()], { minLength: 1 });
  return fc.oneof(
    fc.constant(nonNeg()),
    fc.record({ maxValue: fc.constantFrom(0.5, 1, 2), axis }).map((o) => maxNorm(o)),
    fc.record({ minValue: fc.constantFrom(0, 0.2), maxValue: fc.constantFrom(0.5, 1.5), rate: fc.constantFrom(0, 0.5, 1), axis }).map((o) => minMaxNorm(o)),
  );
}

/** A weight's regularizer and constraint: each absent three times in four, so most layers stay plain. */
function weightExtras(o: TrainableModelOptions, rank: number): fc.Arbitrary<{ regularizer: RegularizerSpec | null; constraint: ConstraintSpec | null }> {
  const maybe = <T>(arb: fc.Arbitrary<T>, on: boolean): fc.Arbitrary<T | null> =>
    (on ? fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: arb, weight: 1 }) : fc.constant(null));
  return fc.record({ regularizer: maybe(REGULARIZERS, o.regularizers !== false), constraint: maybe(constraints(rank), o.constraints !== false) });
}

/** conv2d's and dense's shared options: activation, bias, and each weight's initializer, regularizer and constraint. */
function weights(o: TrainableModelOptions, kernelRank: number, activation: fc.Arbitrary<ActivationName>): fc.Arbitrary<WeightOptions> {
  const init = initializers(o.initializers ?? 'all');
  return fc.record({
    activation,
    useBias: fc.boolean(),
    kernelInitializer: init,
    biasInitializer: init,
    kernel: weightExtras(o, kernelRank),
    bias: weightExtras(o, 1),
  }).map(({ kernel, bias, ...w }) => ({
    ...w, kernelRegularizer: kernel.regularizer, kernelConstraint: kernel.constraint, biasRegularizer: bias.regularizer, biasConstraint: bias.constraint,
  }));
}

const small = fc.integer({ min: 1, max: 3 });
const pairOf = (a: fc.Arbitrary<number>): fc.Arbitrary<[number, number]> => fc.tuple(a, a);
const padding = fc.constantFrom('valid' as const, 'same' as const);

function convLayer(o: TrainableModelOptions): fc.Arbitrary<LayerSpec> {
  return fc.record({ filters: fc.integer({ min: 1, max: o.maxFilters ?? 3 }), kernelSize: pairOf(small), strides: pairOf(fc.integer({ min: 1, max: 2 })), padding, w: weights(o, 4, fc.constantFrom(...HIDDEN)) })
    .map(({ w, ...c }) => conv2d({ ...c, ...w }));
}

const poolLayer: fc.Arbitrary<LayerSpec> = fc
  .record({ max: fc.boolean(), poolSize: pairOf(fc.integer({ min: 1, max: 3 })), strides: pairOf(fc.integer({ min: 1, max: 2 })), padding })
  .map(({ max, ...p }) => (max ? maxPool2d(p) : avgPool2d(p)));

function preluLayer(o: TrainableModelOptions, rank: number): fc.Arbitrary<LayerSpec> {
  const axes = [...Array(rank).keys()].map((k) => k + 1);
  return fc.record({ alphaInitializer: initializers(o.initializers ?? 'all'), sharedAxes: fc.subarray(axes), extras: weightExtras(o, rank) })
    .map(({ extras, ...p }) => prelu({ ...p, alphaRegularizer: extras.regularizer, alphaConstraint: extras.constraint }));
}

const activationLayer: fc.Arbitrary<LayerSpec> = fc.oneof(
  fc.constant(relu()), fc.constant(sigmoid()), fc.constant(tanh()), fc.constant(softmax()),
  fc.constantFrom(0.01, 0.1, 0.3).map((alpha) => leakyRelu({ alpha })),
  fc.constantFrom(0.5, 1, 1.5).map((alpha) => elu({ alpha })),
  fc.constantFrom(...HIDDEN).map((a) => activation({ activation: a })),
);

/**
 * Image-to-image reshaping: a global pooling that keeps H and W (as 1s), or a reshape to
 * rank 3 (whole example into one axis, or another split; model-shapes.ts swaps H and W
 * where a split does not fit), so the layers after it see a new map; and the activation
 * layer once more, so that the CI seed's first third (gpu.js) draws it too.
 */
const imageShapingLayer: fc.Arbitrary<LayerSpec> = fc.oneof(
  fc.constantFrom(globalAveragePooling2d({ keepDims: true }), globalMaxPooling2d({ keepDims: true })),
  fc.constantFrom([-1, 1, 1], [1, -1, 1], [1, 1, -1], [2, -1, 1], [-1, 2, 2], [3, -1, 1]).map((targetShape) => reshape({ targetShape })),
  fc.constantFrom(...HIDDEN).map((a) => activation({ activation: a })),
);

/** What turns the image stack into features: flatten, a global pooling, or reshape to [-1]. */
const imageToFeatures: fc.Arbitrary<LayerSpec> = fc.oneof(
  { arbitrary: fc.constant(flatten()), weight: 2 },
  { arbitrary: fc.constantFrom(globalAveragePooling2d(), globalMaxPooling2d(), reshape({ targetShape: [-1] })), weight: 3 },
);

const dropoutLayer: fc.Arbitrary<LayerSpec> = fc.constantFrom(0, 0.25, 0.5).map((rate) => dropout({ rate }));

/** batchNormalization on an input of `rank` axes (batch excluded), unless o.batchNorm is false; the moving variance starts positive, as a variance is. */
function batchNormLayers(o: TrainableModelOptions, rank: number): fc.Arbitrary<LayerSpec>[] {
  if (o.batchNorm === false) return [];
  const init = initializers(o.initializers ?? 'all');
  return [fc.record({
    axis: fc.constantFrom(-1, rank), momentum: fc.constantFrom(0.99, 0.9, 0), epsilon: fc.constantFrom(1e-3, 0.1), center: fc.boolean(), scale: fc.boolean(),
    betaInitializer: init, gammaInitializer: init, movingMeanInitializer: init, movingVarianceInitializer: fc.constantFrom(ones(), constant(0.5)),
    beta: weightExtras(o, 1), gamma: weightExtras(o, 1),
  }).map(({ beta, gamma, ...b }) => batchNormalization({
    ...b, betaRegularizer: beta.regularizer, betaConstraint: beta.constraint, gammaRegularizer: gamma.regularizer, gammaConstraint: gamma.constraint,
  }))];
}

function denseLayer(o: TrainableModelOptions): fc.Arbitrary<LayerSpec> {
  return fc.record({ units: fc.integer({ min: 1, max: o.maxUnits ?? 6 }), w: weights(o, 2, fc.constantFrom(...HIDDEN)) }).map(({ units, w }) => dense({ units, ...w }));
}

/** Whole models as described at the top of this file. */
export function arbTrainableModelSpec(o: TrainableModelOptions = {}): fc.Arbitrary<ModelSpec> {
  const side = fc.integer({ min: 3, max: o.maxSide ?? 7 });
  const image = fc.record({
    input: fc.tuple(side, side, small),
    layers: fc.array(fc.oneof(convLayer(o), convLayer(o), poolLayer, preluLayer(o, 3), activationLayer, dropoutLayer, ...batchNormLayers(o, 3), imageShapingLayer), { minLength: o.minImageLayers ?? 0, maxLength: o.maxImageLayers ?? 3 }),
    toFeatures: imageToFeatures,
  }).map(({ input, layers, toFeatures }) => ({ input: input as readonly number[], layers: [...layers, toFeatures] }));
  const features = fc.record({ input: fc.tuple(fc.integer({ min: 1, max: 12 })), layers: fc.constant([] as LayerSpec[]) })
    .map(({ input, layers }) => ({ input: input as readonly number[], layers }));
  const ranks = o.ranks ?? [1, 3];
  const stack = fc.oneof(...ranks.map((r) => (r === 1 ? features : image)));
  const classes = fc.integer({ min: o.classes?.min ?? 2, max: o.classes?.max ?? 20 });
  // flatten() on features is Keras' no-op reshape.
  const flatLayer = fc.oneof(denseLayer(o), denseLayer(o), preluLayer(o, 1), activationLayer, dropoutLayer, fc.constant(flatten()), ...batchNormLayers(o, 1));
  return fc.record({ loss: fc.constantFrom(...(o.losses ?? LOSSES)), classes, stack }).chain(({ loss, classes: k, stack: s }) => fc.record({
    flat: fc.array(flatLayer, { maxLength: o.maxFlatLayers ?? 2 }),
    // Mean absolute error has a kink where an output equals its label: a constant-weight head
    // (over a softmax, every output sums to exactly 1) lands on it, where float32 and float64
    // take opposite sides. Random weights reach it with probability 0.
    head: arbHead(loss, k, (activation) => weights(loss === 'meanAbsoluteError' ? { ...o, initializers: 'random' } : o, 2, fc.constant(activation))),
    optimizer: o.optimizer ?? arbOptimizerSpec(o.optimizers),
    batchSize: fc.integer({ min: o.batch?.min ?? 1, max: o.batch?.max ?? 7 }),
    seed: fc.nat({ max: 10_000 }),
  }).map((m): ModelSpec => fitToShapes({
    name: 'drawn',
    input: s.input,
    layers: [...s.layers, ...m.flat, ...m.head.layers],
    loss,
    ...(m.head.fromLogits ? { fromLogits: true } : {}),
    optimizer: m.optimizer,
    metrics: m.head.metrics,
    fit: { batchSize: m.batchSize, epochs: 1, validationSplit: 0, shuffle: false, seed: m.seed },
    data: mnist(),
  })));
}
