// fast-check arbitraries of optimizers for whole-model tests: every optimizer with its
// settings, Keras' gradient clipping (none most often) and the learning-rate schedules, with
// values that change within the two steps a differential test takes.

import fc from 'fast-check';
import {
  adam, adamw, cosineDecay, exponentialDecay, piecewiseConstantDecay, rmsprop, sgd,
  type ClippingOptions, type LearningRateSpec, type OptimizerSpec,
} from '../../compiler/dsl/index';

export const OPTIMIZER_KINDS: readonly OptimizerSpec['kind'][] = ['adam', 'sgd', 'rmsprop', 'adamw'];

/** A constant rate (most often) or a schedule starting at `base` that moves by the second step. */
function rate(base: readonly number[]): fc.Arbitrary<LearningRateSpec> {
  const b = fc.constantFrom(...base);
  return fc.oneof(
    { arbitrary: b, weight: 4 },
    { arbitrary: fc.record({ r: b, staircase: fc.boolean() }).map(({ r, staircase }) => exponentialDecay({ initialLearningRate: r, decaySteps: 1, decayRate: 0.5, staircase })), weight: 1 },
    { arbitrary: b.map((r) => piecewiseConstantDecay({ boundaries: [0], values: [r, r / 10] })), weight: 1 },
    {
      arbitrary: fc.record({ r: b, warm: fc.boolean() }).map(({ r, warm }) => cosineDecay(
        warm ? { initialLearningRate: 0, decaySteps: 3, alpha: 0.1, warmupTarget: r, warmupSteps: 1 } : { initialLearningRate: r, decaySteps: 3, alpha: 0.1 })),
      weight: 1,
    },
  );
}

const clipping: fc.Arbitrary<ClippingOptions> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 3 },
  { arbitrary: fc.constantFrom(0.1, 1).map((clipnorm) => ({ clipnorm })), weight: 1 },
  { arbitrary: fc.constantFrom(0.01, 0.5).map((clipvalue) => ({ clipvalue })), weight: 1 },
  { arbitrary: fc.constantFrom(0.1, 1).map((globalClipnorm) => ({ globalClipnorm })), weight: 1 },
);

export function arbOptimizerSpec(kinds: readonly OptimizerSpec['kind'][] = OPTIMIZER_KINDS): fc.Arbitrary<OptimizerSpec> {
  const arbs: Record<OptimizerSpec['kind'], fc.Arbitrary<OptimizerSpec>> = {
    adam: fc.record({ learningRate: rate([1e-3, 1e-2]), beta1: fc.constantFrom(0.9, 0.5, 0), beta2: fc.constantFrom(0.999, 0.9), epsilon: fc.constantFrom(1e-7, 1e-3), clip: clipping })
      .map(({ clip, ...a }) => adam({ ...a, ...clip })),
    sgd: fc.record({ learningRate: rate([0.01, 0.1]), momentum: fc.constantFrom(0, 0.5, 0.9), nesterov: fc.boolean(), clip: clipping })
      .map(({ clip, ...s }) => sgd({ ...s, ...clip })),
    // rho stays above 0: centred with rho 0 divides by epsilon alone, where float32's rounding of g^2 - g^2 decides.
    rmsprop: fc.record({ learningRate: rate([1e-3, 1e-2]), rho: fc.constantFrom(0.9, 0.5), momentum: fc.constantFrom(0, 0.5), epsilon: fc.constantFrom(1e-7, 1e-3), centered: fc.boolean(), clip: clipping })
      .map(({ clip, ...r }) => rmsprop({ ...r, ...clip })),
    adamw: fc.record({ learningRate: rate([1e-3, 1e-2]), weightDecay: fc.constantFrom(0.004, 0.1), beta1: fc.constantFrom(0.9, 0.5), beta2: fc.constantFrom(0.999, 0.9), clip: clipping })
      .map(({ clip, ...a }) => adamw({ ...a, ...clip })),
  };
  return fc.oneof(...kinds.map((k) => arbs[k]));
}

export const OPTIMIZER_FEATURES: readonly string[] = [
  ...OPTIMIZER_KINDS.map((k) => `optimizer:${k}`),
  'adam.beta1:0.9', 'adam.beta1:0.5', 'adam.beta1:0', 'adam.beta2:0.999', 'adam.beta2:0.9', 'adam.epsilon:1e-7', 'adam.epsilon:0.001',
  'sgd.momentum:0', 'sgd.momentum:0.5', 'sgd.momentum:0.9', 'sgd.nesterov:true', 'sgd.nesterov:false',
  'rmsprop.centered:true', 'rmsprop.centered:false', 'rmsprop.momentum:0', 'rmsprop.momentum>0', 'adamw.weightDecay:0.004', 'adamw.weightDecay:0.1',
  'clip:none', 'clip:clipnorm', 'clip:clipvalue', 'clip:globalClipnorm',
  'schedule:constant', 'schedule:exponentialDecay', 'schedule:piecewiseConstantDecay', 'schedule:cosineDecay', 'cosineDecay.warmup',
];

/** The optimizer features of OPTIMIZER_FEATURES that `o` exercises. */
export function optimizerFeatures(o: OptimizerSpec): string[] {
  const lr = o.learningRate;
  const common = [
    `optimizer:${o.kind}`,
    `clip:${o.clipnorm !== undefined ? 'clipnorm' : o.clipvalue !== undefined ? 'clipvalue' : o.globalClipnorm !== undefined ? 'globalClipnorm' : 'none'}`,
    `schedule:${typeof lr === 'number' ? 'constant' : lr.kind}`,
    ...(typeof lr !== 'number' && lr.kind === 'cosineDecay' && lr.warmupTarget !== null ? ['cosineDecay.warmup'] : []),
  ];
  switch (o.kind) {
    case 'adam': return [...common, `adam.beta1:${o.beta1}`, `adam.beta2:${o.beta2}`, `adam.epsilon:${o.epsilon === 1e-7 ? '1e-7' : o.epsilon}`];
    case 'sgd': return [...common, `sgd.momentum:${o.momentum}`, `sgd.nesterov:${o.nesterov}`];
    case 'rmsprop': return [...common, `rmsprop.centered:${o.centered}`, `rmsprop.momentum${o.momentum > 0 ? '>0' : ':0'}`];
    case 'adamw': return [...common, `adamw.weightDecay:${o.weightDecay}`];
  }
}
