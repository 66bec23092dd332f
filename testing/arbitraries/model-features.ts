// What a drawn model exercises, as feature names ("layer:conv2d", "adam.beta1:0"), so a
// property run can show that every option of the DSL was drawn at least once. MODEL_FEATURES
// lists every feature the whole-model arbitrary (model.ts) can draw.

import { OPTIMIZER_FEATURES, optimizerFeatures } from './model-optimizers';
import type { ConstraintSpec, InitializerSpec, LayerSpec, ModelSpec, RegularizerSpec } from '../../compiler/dsl/index';

const LAYER_TYPES: readonly LayerSpec['type'][] = [
  'conv2d', 'dense', 'prelu', 'relu', 'sigmoid', 'tanh', 'softmax', 'leakyRelu', 'elu', 'maxPool2d', 'avgPool2d', 'dropout', 'flatten',
  'batchNormalization',
  'globalAveragePooling2d', 'globalMaxPooling2d', 'reshape', 'activation',
];

export const MODEL_FEATURES: readonly string[] = [
  'input:rank1', 'input:rank3',
  ...LAYER_TYPES.map((t) => `layer:${t}`),
  'conv.stride:1', 'conv.stride:2', 'conv.padding:valid', 'conv.padding:same', 'conv.kernel:1', 'conv.kernel:2', 'conv.kernel:3',
  'pool.padding:valid', 'pool.padding:same', 'pool.overlapping', 'pool.strided',
  ...['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu'].map((a) => `activation:${a}`),
  'useBias:true', 'useBias:false',
  'prelu.shared:none', 'prelu.shared:some', 'prelu.shared:all',
  ...['zeros', 'ones', 'constant', 'glorotUniform', 'glorotNormal', 'heNormal', 'heUniform'].map((k) => `init:${k}`),
  'regularizer:l1', 'regularizer:l2', 'regularizer:l1l2', 'regularizer.on:kernel', 'regularizer.on:bias', 'regularizer.on:alpha',
  'constraint:nonNeg', 'constraint:maxNorm', 'constraint:minMaxNorm', 'constraint.on:kernel', 'constraint.on:bias', 'constraint.on:alpha',
  'minMaxNorm.rate:0', 'minMaxNorm.rate:0.5', 'minMaxNorm.rate:1',
  'dropout.rate:0', 'dropout.rate>0',
  'globalPool.keepDims:true', 'globalPool.keepDims:false', 'reshape.rank:1', 'reshape.rank:3',
  'batchNorm.axis:-1', 'batchNorm.axis:last', 'batchNorm.center:true', 'batchNorm.center:false', 'batchNorm.scale:true', 'batchNorm.scale:false',
  'batchNorm.momentum:0.99', 'batchNorm.momentum:0.9', 'batchNorm.momentum:0', 'batchNorm.epsilon:0.001', 'batchNorm.epsilon:0.1',
  'batchNorm.on:rank1', 'batchNorm.on:rank3', 'regularizer.on:gamma', 'regularizer.on:beta', 'constraint.on:gamma', 'constraint.on:beta',
  'loss:categoricalCrossentropy', 'loss:sparseCategoricalCrossentropy', 'loss:meanSquaredError',
  'head:softmax', 'head:softmaxLayer', 'head:sigmoid', 'head:linear', 'head:tanh',
  'loss:binaryCrossentropy', 'loss:meanAbsoluteError', 'head:sigmoidLayer', 'head:logits', 'classes:1', 'metric:topK',
  ...OPTIMIZER_FEATURES,
  'classes:2', 'classes:3-10', 'classes:11-19', 'classes:20',
  'batch:1', 'batch:odd>1', 'batch:even',
];

function initFeature(i: InitializerSpec): string {
  return `init:${i.kind}`;
}

function regularizerFeatures(r: RegularizerSpec | null, on: string): string[] {
  if (r === null) return [];
  const kind = r.l1 > 0 && r.l2 > 0 ? 'l1l2' : r.l1 > 0 ? 'l1' : 'l2';
  return [`regularizer:${kind}`, `regularizer.on:${on}`];
}

function constraintFeatures(c: ConstraintSpec | null, on: string): string[] {
  if (c === null) return [];
  return [`constraint:${c.kind}`, `constraint.on:${on}`, ...(c.kind === 'minMaxNorm' ? [`minMaxNorm.rate:${c.rate}`] : [])];
}

function batchNormFeatures(l: Extract<LayerSpec, { type: 'batchNormalization' }>, rank: number): string[] {
  const f = [`batchNorm.axis:${l.axis === -1 ? '-1' : 'last'}`, `batchNorm.center:${l.center}`, `batchNorm.scale:${l.scale}`,
    `batchNorm.momentum:${l.momentum}`, `batchNorm.epsilon:${l.epsilon}`, `batchNorm.on:rank${rank}`, initFeature(l.movingMeanInitializer)];
  if (l.center) f.push(initFeature(l.betaInitializer), ...regularizerFeatures(l.betaRegularizer, 'beta'), ...constraintFeatures(l.betaConstraint, 'beta'));
  if (l.scale) f.push(initFeature(l.gammaInitializer), ...regularizerFeatures(l.gammaRegularizer, 'gamma'), ...constraintFeatures(l.gammaConstraint, 'gamma'));
  return f;
}

function layerFeatures(l: LayerSpec, rank: number): string[] {
  const f = [`layer:${l.type}`];
  if (l.type === 'conv2d') {
    f.push(...l.strides.map((s) => `conv.stride:${s}`), `conv.padding:${l.padding}`, ...l.kernelSize.map((k) => `conv.kernel:${k}`));
  }
  if (l.type === 'conv2d' || l.type === 'dense') {
    f.push(`activation:${l.activation}`, `useBias:${l.useBias}`, initFeature(l.kernelInitializer),
      ...regularizerFeatures(l.kernelRegularizer, 'kernel'), ...constraintFeatures(l.kernelConstraint, 'kernel'));
    if (l.useBias) f.push(initFeature(l.biasInitializer), ...regularizerFeatures(l.biasRegularizer, 'bias'), ...constraintFeatures(l.biasConstraint, 'bias'));
  }
  if (l.type === 'maxPool2d' || l.type === 'avgPool2d') {
    f.push(`pool.padding:${l.padding}`);
    if (l.strides.some((s, k) => s < l.poolSize[k])) f.push('pool.overlapping');
    if (l.strides.some((s) => s > 1)) f.push('pool.strided');
  }
  if (l.type === 'prelu') {
    const shared = l.sharedAxes.length === 0 ? 'none' : l.sharedAxes.length === rank ? 'all' : 'some';
    f.push(`prelu.shared:${shared}`, initFeature(l.alphaInitializer), ...regularizerFeatures(l.alphaRegularizer, 'alpha'), ...constraintFeatures(l.alphaConstraint, 'alpha'));
  }
  if (l.type === 'dropout') f.push(l.rate === 0 ? 'dropout.rate:0' : 'dropout.rate>0');
  if (l.type === 'batchNormalization') f.push(...batchNormFeatures(l, rank));
  if (l.type === 'globalAveragePooling2d' || l.type === 'globalMaxPooling2d') f.push(`globalPool.keepDims:${l.keepDims}`);
  // A -1 is resolved while lowering: the graph is the same with or without one, so it is no feature.
  if (l.type === 'reshape') f.push(`reshape.rank:${l.targetShape.length}`);
  if (l.type === 'activation') f.push(`activation:${l.activation}`);
  return f;
}

function outputFeatures(spec: ModelSpec): string[] {
  const last = spec.layers[spec.layers.length - 1];
  const denseHead = [...spec.layers].reverse().find((l) => l.type === 'dense');
  const layerHead = last.type === 'softmax' ? 'softmaxLayer' : last.type === 'sigmoid' ? 'sigmoidLayer' : last.type === 'dense' ? last.activation : 'other';
  const head = spec.fromLogits === true ? 'logits' : layerHead;
  const classes = denseHead?.type === 'dense' ? denseHead.units : 0;
  const classBand = classes === 1 ? '1' : classes === 2 ? '2' : classes === 20 ? '20' : classes <= 10 ? '3-10' : '11-19';
  const b = spec.fit.batchSize;
  const topK = spec.metrics.some((m) => typeof m !== 'string') ? ['metric:topK'] : [];
  return [`loss:${spec.loss}`, `head:${head}`, `classes:${classBand}`, `batch:${b === 1 ? '1' : b % 2 === 1 ? 'odd>1' : 'even'}`, ...topK];
}

/** The features `spec` exercises, without repeats. */
export function modelFeatures(spec: ModelSpec): string[] {
  let rank = spec.input.length;
  const f = [`input:rank${rank}`];
  for (const l of spec.layers) {
    f.push(...layerFeatures(l, rank));
    if (l.type === 'flatten') rank = 1;
    if (l.type === 'reshape') rank = l.targetShape.length;
    if ((l.type === 'globalAveragePooling2d' || l.type === 'globalMaxPooling2d') && !l.keepDims) rank = 1;
  }
  return [...new Set([...f, ...outputFeatures(spec), ...optimizerFeatures(spec.optimizer)])];
}

/** Features of MODEL_FEATURES that none of `specs` exercises. */
export function missingFeatures(specs: readonly ModelSpec[]): string[] {
  const seen = new Set(specs.flatMap(modelFeatures));
  return MODEL_FEATURES.filter((f) => !seen.has(f));
}
