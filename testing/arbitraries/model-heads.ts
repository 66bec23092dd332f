// The output end of a drawn model for its loss: the last dense layer and its activation (or a
// separate softmax or sigmoid layer, or raw logits with fromLogits), and the metrics that loss
// allows (accuracy, and top-k accuracy with its k for the categorical cross-entropies).

import fc from 'fast-check';
import { dense, sigmoid, softmax, type ActivationName, type LayerSpec, type LossName, type MetricSpec, type WeightOptions } from '../../compiler/dsl/index';

export const LOSSES: readonly LossName[] = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError', 'meanAbsoluteError'];

type HeadKind = ActivationName | 'softmaxLayer' | 'sigmoidLayer' | 'logits';

const REGRESSION: readonly HeadKind[] = ['linear', 'sigmoid', 'tanh', 'softmax', 'softmaxLayer'];
const CATEGORICAL: readonly HeadKind[] = ['softmax', 'softmax', 'softmaxLayer', 'sigmoid', 'logits'];

/** softmax for the categorical cross-entropies (a sigmoid Keras normalises, or logits), sigmoid for the binary one, any for regression. */
const HEAD_KINDS: Readonly<Record<LossName, readonly HeadKind[]>> = {
  categoricalCrossentropy: CATEGORICAL,
  sparseCategoricalCrossentropy: CATEGORICAL,
  binaryCrossentropy: ['sigmoid', 'sigmoid', 'sigmoidLayer', 'logits'],
  meanSquaredError: REGRESSION,
  meanAbsoluteError: REGRESSION,
};

const TOP_K: Partial<Record<LossName, 'topKCategoricalAccuracy' | 'sparseTopKCategoricalAccuracy'>> = {
  categoricalCrossentropy: 'topKCategoricalAccuracy',
  sparseCategoricalCrossentropy: 'sparseTopKCategoricalAccuracy',
};

export interface Head {
  readonly layers: readonly LayerSpec[];
  /** Present only when true, as model() returns it. */
  readonly fromLogits?: true;
  readonly metrics: readonly MetricSpec[];
}

/** `classes` output units (one for binary cross-entropy); `weightsWith` draws the dense layer's options for an activation. */
export function arbHead(loss: LossName, classes: number, weightsWith: (activation: ActivationName) => fc.Arbitrary<WeightOptions>): fc.Arbitrary<Head> {
  const units = loss === 'binaryCrossentropy' ? 1 : classes;
  const topK = TOP_K[loss];
  const metrics: fc.Arbitrary<MetricSpec[]> = topK === undefined
    ? fc.constant(['accuracy'])
    : fc.option(fc.integer({ min: 1, max: classes + 1 }), { nil: null }).map((k) => (k === null ? ['accuracy'] : ['accuracy', { kind: topK, k }]));
  return fc.constantFrom(...HEAD_KINDS[loss]).chain((kind) => {
    const separate = kind === 'softmaxLayer' || kind === 'sigmoidLayer' || kind === 'logits';
    return fc.record({ w: weightsWith(separate ? 'linear' : kind), metrics }).map(({ w, metrics: m }): Head => ({
      layers: [dense({ units, ...w }), ...(kind === 'softmaxLayer' ? [softmax()] : kind === 'sigmoidLayer' ? [sigmoid()] : [])],
      ...(kind === 'logits' ? { fromLogits: true as const } : {}),
      metrics: m,
    }));
  });
}
