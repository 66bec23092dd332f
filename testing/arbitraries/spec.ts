// fast-check arbitraries for valid, normalised ModelSpecs: random layer stacks on small
// inputs ([6..12, 6..12, 1..3] images or [1..16] features). The stacks are built to be
// mostly shape-correct (spatial layers, flatten, dense layers, a softmax head), but some
// will fail a later shape check (e.g. a 3x3 kernel on a 1x1 map); that is intended.

import fc from 'fast-check';
import type {
  ClippingSpec, ConstraintSpec, DataSpec, EarlyStoppingSpec, FitSpec, ScheduleSpec, InitializerSpec, LayerSpec, MetricSpec, ModelSpec, OptimizerSpec, RegularizerSpec,
} from '../../format/spec';

export { printModelSource, type PrintOptions } from './spec-print';

/** fc.record with ordinary prototypes, as the DSL's own objects have (deepStrictEqual compares prototypes). */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}

const finite = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const size = fc.integer({ min: 1, max: 3 });
const pair = fc.tuple(size, size);
const sortedUnique = (values: readonly number[]): fc.Arbitrary<readonly number[]> =>
  fc.subarray([...values]).map((axes) => [...axes].sort((a, b) => a - b));

export const arbInitializer: fc.Arbitrary<InitializerSpec> = fc.oneof(
  fc.constantFrom<InitializerSpec>(
    { kind: 'zeros' }, { kind: 'ones' }, { kind: 'glorotUniform' }, { kind: 'glorotNormal' }, { kind: 'heNormal' }, { kind: 'heUniform' },
  ),
  finite(-2, 2).map((value): InitializerSpec => ({ kind: 'constant', value })),
);

export const arbRegularizer: fc.Arbitrary<RegularizerSpec | null> = fc.option(
  record({ kind: fc.constant('l1l2' as const), l1: finite(0, 1), l2: finite(0, 1) }),
  { nil: null },
);

export const arbConstraint: fc.Arbitrary<ConstraintSpec | null> = fc.option(
  fc.oneof(
    fc.constant<ConstraintSpec>({ kind: 'nonNeg' }),
    record({ maxValue: finite(0, 10), axis: sortedUnique([0, 1, 2, 3]) }).map((c): ConstraintSpec => ({ kind: 'maxNorm', ...c })),
    record({ a: finite(0, 10), b: finite(0, 10), rate: finite(0, 1), axis: sortedUnique([0, 1, 2, 3]) })
      .map(({ a, b, rate, axis }): ConstraintSpec => ({ kind: 'minMaxNorm', minValue: Math.min(a, b), maxValue: Math.max(a, b), rate, axis })),
  ),
  { nil: null },
);

const weights = record({
  activation: fc.constantFrom('linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu' as const),
  useBias: fc.boolean(),
  kernelInitializer: arbInitializer,
  biasInitializer: arbInitializer,
  kernelRegularizer: arbRegularizer,
  biasRegularizer: arbRegularizer,
  kernelConstraint: arbConstraint,
  biasConstraint: arbConstraint,
});

const layerName = fc.option(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,6}$/), { nil: null });

const conv2d: fc.Arbitrary<LayerSpec> = fc
  .record({ filters: fc.integer({ min: 1, max: 4 }), kernelSize: pair, strides: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })), padding: fc.constantFrom('valid', 'same' as const), weights, name: layerName })
  .map(({ weights: w, name, ...rest }): LayerSpec => ({ type: 'conv2d', ...rest, ...w, name }));

const dense: fc.Arbitrary<LayerSpec> = fc
  .record({ units: fc.integer({ min: 1, max: 8 }), weights, name: layerName })
  .map(({ units, weights: w, name }): LayerSpec => ({ type: 'dense', units, ...w, name }));

function prelu(axes: readonly number[]): fc.Arbitrary<LayerSpec> {
  return fc
    .record({ alphaInitializer: arbInitializer, alphaRegularizer: arbRegularizer, alphaConstraint: arbConstraint, sharedAxes: sortedUnique(axes), name: layerName })
    .map((p): LayerSpec => ({ type: 'prelu', ...p }));
}

const activation: fc.Arbitrary<LayerSpec> = fc.oneof(
  record({ type: fc.constantFrom('relu', 'sigmoid', 'tanh', 'softmax' as const), name: layerName }),
  record({ type: fc.constant('leakyRelu' as const), alpha: finite(0, 1), name: layerName }),
  record({ type: fc.constant('elu' as const), alpha: finite(-2, 2), name: layerName }),
);

const dropout: fc.Arbitrary<LayerSpec> = record({ type: fc.constant('dropout' as const), rate: finite(0, 0.9), name: layerName });

const pool: fc.Arbitrary<LayerSpec> = record({
  type: fc.constantFrom('maxPool2d', 'avgPool2d' as const),
  poolSize: pair,
  strides: pair,
  padding: fc.constantFrom('valid', 'same' as const),
  name: layerName,
});

const batchNormalization: fc.Arbitrary<LayerSpec> = record({
  type: fc.constant('batchNormalization' as const), axis: fc.constantFrom(-1, 1, 3), momentum: finite(0, 1), epsilon: finite(1e-6, 1),
  center: fc.boolean(), scale: fc.boolean(), betaInitializer: arbInitializer, gammaInitializer: arbInitializer,
  movingMeanInitializer: arbInitializer, movingVarianceInitializer: arbInitializer, betaRegularizer: arbRegularizer,
  gammaRegularizer: arbRegularizer, betaConstraint: arbConstraint, gammaConstraint: arbConstraint, name: layerName,
});

const namedActivation: fc.Arbitrary<LayerSpec> = record({
  type: fc.constant('activation' as const), activation: fc.constantFrom('linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu' as const), name: layerName,
});

/** keepDims keeps an image an image ([1, 1, c]); without it a later image layer fails to lower, as intended now and then. */
const globalPool: fc.Arbitrary<LayerSpec> = record({
  type: fc.constantFrom('globalAveragePooling2d', 'globalMaxPooling2d' as const), keepDims: fc.boolean(), name: layerName,
});

/** Reshapes that fit any input of the rank (one -1 takes the rest): sizes that do not fit are lowering's tests' subject. */
function reshape(rank: 1 | 3): fc.Arbitrary<LayerSpec> {
  const targetShape = rank === 1 ? fc.constant([-1]) : fc.constantFrom([-1, 1, 1], [1, -1, 1], [1, 1, -1]);
  return record({ type: fc.constant('reshape' as const), targetShape, name: layerName });
}

/** Layers that keep an image [h, w, c] an image. */
export const arbImageLayer: fc.Arbitrary<LayerSpec> = fc.oneof(conv2d, pool, prelu([1, 2, 3]), activation, dropout, batchNormalization, namedActivation, globalPool, reshape(3));

/** Layers that work on [features]. */
export const arbFlatLayer: fc.Arbitrary<LayerSpec> = fc.oneof(dense, prelu([1]), activation, dropout, batchNormalization, namedActivation, reshape(1));

export const arbSchedule: fc.Arbitrary<ScheduleSpec> = fc.oneof(
  record({ kind: fc.constant('exponentialDecay' as const), initialLearningRate: finite(1e-5, 1), decaySteps: finite(0.5, 1000), decayRate: finite(0.01, 1), staircase: fc.boolean() }),
  fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 4 }).chain((b) => record({
    kind: fc.constant('piecewiseConstantDecay' as const), boundaries: fc.constant([...b].sort((x, y) => x - y)),
    values: fc.array(finite(1e-5, 1), { minLength: b.length + 1, maxLength: b.length + 1 }),
  })),
  record({
    kind: fc.constant('cosineDecay' as const), initialLearningRate: finite(1e-5, 1), decaySteps: fc.integer({ min: 1, max: 1000 }), alpha: finite(0, 1),
    warmupTarget: fc.option(finite(1e-5, 1), { nil: null }), warmupSteps: fc.constant(0),
  }).chain((c) => (c.warmupTarget === null ? fc.constant(c) : fc.integer({ min: 0, max: 100 }).map((warmupSteps) => ({ ...c, warmupSteps })))),
);

const arbLearningRate = fc.oneof({ arbitrary: finite(1e-5, 1), weight: 3 }, { arbitrary: arbSchedule, weight: 1 });
const arbClipping: fc.Arbitrary<ClippingSpec> = fc.oneof(
  fc.constant({}), finite(1e-3, 10).map((clipnorm) => ({ clipnorm })), finite(1e-3, 10).map((clipvalue) => ({ clipvalue })),
  finite(1e-3, 10).map((globalClipnorm) => ({ globalClipnorm })),
);

export const arbOptimizer: fc.Arbitrary<OptimizerSpec> = fc.tuple(fc.oneof(
  record({ kind: fc.constant('adam' as const), learningRate: arbLearningRate, beta1: finite(0, 0.99), beta2: finite(0, 0.9999), epsilon: finite(1e-9, 1e-3) }),
  record({ kind: fc.constant('sgd' as const), learningRate: arbLearningRate, momentum: finite(0, 1), nesterov: fc.boolean() }),
  record({ kind: fc.constant('rmsprop' as const), learningRate: arbLearningRate, rho: finite(0, 0.99), momentum: finite(0, 0.99), epsilon: finite(1e-9, 1e-3), centered: fc.boolean() }),
  record({ kind: fc.constant('adamw' as const), learningRate: arbLearningRate, weightDecay: finite(0, 0.5), beta1: finite(0, 0.99), beta2: finite(0, 0.9999), epsilon: finite(1e-9, 1e-3) }),
), arbClipping).map(([o, clip]): OptimizerSpec => ({ ...o, ...clip }));

const arbEarlyStopping: fc.Arbitrary<EarlyStoppingSpec> = record({
  kind: fc.constant('earlyStopping' as const), monitor: fc.constantFrom('val_loss', 'val_accuracy', 'loss', 'accuracy' as const), minDelta: finite(0, 1),
  patience: fc.integer({ min: 0, max: 10 }), mode: fc.constantFrom('auto', 'min', 'max' as const), baseline: fc.option(finite(-10, 10), { nil: null }),
  restoreBestWeights: fc.boolean(), startFromEpoch: fc.integer({ min: 0, max: 5 }),
});

export const arbFit: fc.Arbitrary<FitSpec> = record({
  batchSize: fc.integer({ min: 1, max: 64 }),
  epochs: fc.integer({ min: 1, max: 5 }),
  validationSplit: finite(0, 0.5),
  shuffle: fc.boolean(),
  seed: fc.integer({ min: 0, max: 0xffffffff }),
}).chain((fit) => fc.option(arbEarlyStopping, { nil: null }).map((e): FitSpec => (e === null ? fit : { ...fit, callbacks: [e] })));

const arbNormalize = fc.option(fc.constantFrom('scale' as const, 'standardize' as const, 'none' as const), { nil: undefined })
  .map((mode) => (mode === undefined ? {} : { normalize: mode }));
const arbPath = fc.string({ minLength: 1, maxLength: 12 });

export const arbData: fc.Arbitrary<DataSpec> = fc.oneof(
  fc.constant<DataSpec>({ kind: 'mnist' }),
  fc.string({ minLength: 1, maxLength: 12 }).map((dir): DataSpec => ({ kind: 'idx', dir })),
  fc.tuple(fc.constantFrom('mnist' as const, 'fashionMnist' as const), arbNormalize).map(([kind, n]): DataSpec => ({ kind, ...n })),
  fc.tuple(arbPath, arbNormalize).map(([dir, n]): DataSpec => ({ kind: 'idx', dir, ...n })),
  fc.tuple(arbPath, arbPath, arbPath, fc.option(fc.uniqueArray(arbPath, { minLength: 1, maxLength: 4 }), { nil: null }), arbNormalize)
    .map(([train, test, label, classes, n]): DataSpec => ({ kind: 'csv', train, test, label, classes, ...n })),
  fc.tuple(arbPath, arbPath, arbNormalize).map(([train, test, n]): DataSpec => ({ kind: 'imageFolder', train, test, ...n })),
);

const head = fc.integer({ min: 2, max: 10 }).chain((units) =>
  weights.map((w): LayerSpec => ({ type: 'dense', units, ...w, activation: 'softmax', name: null })));

/** Layer names must be unique in a model: later repeats become unnamed. */
function uniqueNames(layers: readonly LayerSpec[]): LayerSpec[] {
  const seen = new Set<string>();
  return layers.map((layer) => {
    if (layer.name === null) return layer;
    if (seen.has(layer.name)) return { ...layer, name: null };
    seen.add(layer.name);
    return layer;
  });
}

const imageStack = fc
  .record({ input: fc.tuple(fc.integer({ min: 6, max: 12 }), fc.integer({ min: 6, max: 12 }), size), spatial: fc.array(arbImageLayer, { maxLength: 3 }), flat: fc.array(arbFlatLayer, { maxLength: 2 }), head, flattenName: layerName })
  .map(({ input, spatial, flat, head: last, flattenName }) => ({ input, layers: [...spatial, { type: 'flatten' as const, name: flattenName }, ...flat, last] }));

const featureStack = fc
  .record({ input: fc.tuple(fc.integer({ min: 1, max: 16 })), flat: fc.array(arbFlatLayer, { maxLength: 3 }), head })
  .map(({ input, flat, head: last }) => ({ input, layers: [...flat, last] }));

/** A loss, fromLogits (present only when true, as model() returns it) and metrics that fit that loss. */
const arbScoring: fc.Arbitrary<Pick<ModelSpec, 'loss' | 'fromLogits' | 'metrics'>> = fc
  .record({
    loss: fc.constantFrom<ModelSpec['loss']>('categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError', 'meanAbsoluteError'),
    fromLogits: fc.boolean(),
    accuracy: fc.boolean(),
    k: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
  })
  .map(({ loss, fromLogits, accuracy, k }) => {
    const topK = loss === 'categoricalCrossentropy' ? 'topKCategoricalAccuracy' as const : loss === 'sparseCategoricalCrossentropy' ? 'sparseTopKCategoricalAccuracy' as const : null;
    const metrics: MetricSpec[] = [...(accuracy ? ['accuracy' as const] : []), ...(topK !== null && k !== null ? [{ kind: topK, k }] : [])];
    const crossentropy = loss !== 'meanSquaredError' && loss !== 'meanAbsoluteError';
    return { loss, ...(fromLogits && crossentropy ? { fromLogits: true } : {}), metrics };
  });

/** Binary cross-entropy lowers only on one output unit: its head becomes one sigmoid unit (linear with fromLogits). */
function binaryHead(layers: readonly LayerSpec[], scoring: Pick<ModelSpec, 'loss' | 'fromLogits'>): readonly LayerSpec[] {
  const last = layers[layers.length - 1];
  if (scoring.loss !== 'binaryCrossentropy' || last.type !== 'dense') return layers;
  return [...layers.slice(0, -1), { ...last, units: 1, activation: scoring.fromLogits === true ? 'linear' : 'sigmoid' }];
}

export function arbModelSpec(kind: 'image' | 'features' | 'any' = 'any'): fc.Arbitrary<ModelSpec> {
  const stack = kind === 'image' ? imageStack : kind === 'features' ? featureStack : fc.oneof(imageStack, featureStack);
  return fc
    .record({
      name: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}$/),
      stack,
      scoring: arbScoring,
      optimizer: arbOptimizer,
      fit: arbFit,
      data: arbData,
    })
    .map(({ stack: s, ...rest }): ModelSpec => ({
      name: rest.name, input: s.input, layers: uniqueNames(binaryHead(s.layers, rest.scoring)), ...rest.scoring,
      optimizer: rest.optimizer, fit: rest.fit, data: rest.data,
    }));
}
