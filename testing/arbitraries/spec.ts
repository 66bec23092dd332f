// fast-check arbitraries for valid, normalised ModelSpecs: random layer stacks on small
// inputs ([6..12, 6..12, 1..3] images or [1..16] features). The stacks are built to be
// mostly shape-correct (spatial layers, flatten, dense layers, a softmax head), but some
// will fail a later shape check (e.g. a 3x3 kernel on a 1x1 map); that is intended.

import fc from 'fast-check';
import type {
  ConstraintSpec, DataSpec, FitSpec, InitializerSpec, LayerSpec, ModelSpec, OptimizerSpec, RegularizerSpec,
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

/** Layers that keep an image [h, w, c] an image. */
export const arbImageLayer: fc.Arbitrary<LayerSpec> = fc.oneof(conv2d, pool, prelu([1, 2, 3]), activation, dropout);

/** Layers that work on [features]. */
export const arbFlatLayer: fc.Arbitrary<LayerSpec> = fc.oneof(dense, prelu([1]), activation, dropout);

export const arbOptimizer: fc.Arbitrary<OptimizerSpec> = fc.oneof(
  record({ kind: fc.constant('adam' as const), learningRate: finite(1e-5, 1), beta1: finite(0, 0.99), beta2: finite(0, 0.9999), epsilon: finite(1e-9, 1e-3) }),
  record({ kind: fc.constant('sgd' as const), learningRate: finite(1e-5, 1), momentum: finite(0, 1), nesterov: fc.boolean() }),
);

export const arbFit: fc.Arbitrary<FitSpec> = record({
  batchSize: fc.integer({ min: 1, max: 64 }),
  epochs: fc.integer({ min: 1, max: 5 }),
  validationSplit: finite(0, 0.5),
  shuffle: fc.boolean(),
  seed: fc.integer({ min: 0, max: 0xffffffff }),
});

export const arbData: fc.Arbitrary<DataSpec> = fc.oneof(
  fc.constant<DataSpec>({ kind: 'mnist' }),
  fc.string({ minLength: 1, maxLength: 12 }).map((dir): DataSpec => ({ kind: 'idx', dir })),
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

export function arbModelSpec(kind: 'image' | 'features' | 'any' = 'any'): fc.Arbitrary<ModelSpec> {
  const stack = kind === 'image' ? imageStack : kind === 'features' ? featureStack : fc.oneof(imageStack, featureStack);
  return fc
    .record({
      name: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}$/),
      stack,
      loss: fc.constantFrom('categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'meanSquaredError' as const),
      optimizer: arbOptimizer,
      metrics: fc.constantFrom<readonly 'accuracy'[]>([], ['accuracy']),
      fit: arbFit,
      data: arbData,
    })
    .map(({ stack: s, ...rest }): ModelSpec => ({
      name: rest.name, input: s.input, layers: uniqueNames(s.layers), loss: rest.loss,
      optimizer: rest.optimizer, metrics: rest.metrics, fit: rest.fit, data: rest.data,
    }));
}
