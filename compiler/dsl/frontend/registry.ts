// The names a model file may import from 'nnc': the DSL's functions, which the front end
// calls with the values it reads, and its types, which it ignores as the compiler erases them.

import * as dsl from '../index';

export interface DslFunction {
  /** 0: takes no argument; 1: takes one (an options object, or a positional value). */
  readonly arity: 0 | 1;
  /** For a positional argument: the property of the result it becomes (constant(v) -> value). */
  readonly positional: string | null;
  /** Runs the real DSL function; it validates its argument at run time and throws DslError. */
  invoke(argument: unknown): unknown;
}

function nullary(fn: () => unknown): DslFunction {
  return { arity: 0, positional: null, invoke: () => fn() };
}

/** The argument is unknown here; the cast is sound because every DSL function validates its input. */
function unary<T>(fn: (argument: T) => unknown, positional: string | null = null): DslFunction {
  return { arity: 1, positional, invoke: (argument) => fn(argument as T) };
}

export const DSL_FUNCTIONS: ReadonlyMap<string, DslFunction> = new Map<string, DslFunction>([
  ['model', unary(dsl.model)],
  ['conv2d', unary(dsl.conv2d)],
  ['dense', unary(dsl.dense)],
  ['prelu', unary(dsl.prelu)],
  ['relu', unary(dsl.relu)],
  ['leakyRelu', unary(dsl.leakyRelu)],
  ['elu', unary(dsl.elu)],
  ['sigmoid', unary(dsl.sigmoid)],
  ['tanh', unary(dsl.tanh)],
  ['softmax', unary(dsl.softmax)],
  ['maxPool2d', unary(dsl.maxPool2d)],
  ['avgPool2d', unary(dsl.avgPool2d)],
  ['dropout', unary(dsl.dropout)],
  ['flatten', unary(dsl.flatten)],
  ['batchNormalization', unary(dsl.batchNormalization)],
  ['globalAveragePooling2d', unary(dsl.globalAveragePooling2d)],
  ['globalMaxPooling2d', unary(dsl.globalMaxPooling2d)],
  ['reshape', unary(dsl.reshape)],
  ['activation', unary(dsl.activation)],
  ['zeros', nullary(dsl.zeros)],
  ['ones', nullary(dsl.ones)],
  ['constant', unary(dsl.constant, 'value')],
  ['glorotUniform', nullary(dsl.glorotUniform)],
  ['glorotNormal', nullary(dsl.glorotNormal)],
  ['heNormal', nullary(dsl.heNormal)],
  ['heUniform', nullary(dsl.heUniform)],
  ['l1', unary(dsl.l1, 'l1')],
  ['l2', unary(dsl.l2, 'l2')],
  ['l1l2', unary(dsl.l1l2)],
  ['nonNeg', nullary(dsl.nonNeg)],
  ['maxNorm', unary(dsl.maxNorm)],
  ['minMaxNorm', unary(dsl.minMaxNorm)],
  ['adam', unary(dsl.adam)],
  ['sgd', unary(dsl.sgd)],
  ['categoricalCrossentropy', unary(dsl.categoricalCrossentropy)],
  ['sparseCategoricalCrossentropy', unary(dsl.sparseCategoricalCrossentropy)],
  ['binaryCrossentropy', unary(dsl.binaryCrossentropy)],
  ['topKCategoricalAccuracy', unary(dsl.topKCategoricalAccuracy)],
  ['sparseTopKCategoricalAccuracy', unary(dsl.sparseTopKCategoricalAccuracy)],
  ['rmsprop', unary(dsl.rmsprop)],
  ['adamw', unary(dsl.adamw)],
  ['exponentialDecay', unary(dsl.exponentialDecay)],
  ['piecewiseConstantDecay', unary(dsl.piecewiseConstantDecay)],
  ['cosineDecay', unary(dsl.cosineDecay)],
  ['earlyStopping', unary(dsl.earlyStopping)],
  ['mnist', unary(dsl.mnist)],
  ['fashionMnist', unary(dsl.fashionMnist)],
  ['idx', unary(dsl.idx, 'dir')],
  ['csv', unary(dsl.csv)],
  ['imageFolder', unary(dsl.imageFolder)],
]);

/** Exported types and classes a model file may import for annotations (a test keeps this in sync with index.ts). */
export const DSL_TYPE_NAMES: ReadonlySet<string> = new Set([
  'InitializerSpec', 'RegularizerSpec', 'ConstraintSpec', 'ActivationName', 'Padding', 'Conv2dSpec', 'DenseSpec',
  'PReluSpec', 'ActivationLayerSpec', 'LeakyReluSpec', 'EluSpec', 'Pool2dSpec', 'DropoutSpec', 'FlattenSpec',
  'LayerSpec', 'LossName', 'OptimizerSpec', 'FitSpec', 'DataSpec', 'ModelSpec', 'DslError', 'Path', 'PathKey',
  'InitializerName', 'L1L2Options', 'MaxNormOptions', 'MinMaxNormOptions', 'AdamOptions', 'SgdOptions',
  'Conv2dOptions', 'DenseOptions', 'WeightOptions', 'PReluOptions', 'AlphaOptions', 'NameOptions',
  'Pool2dOptions', 'DropoutOptions', 'ModelOptions', 'FitOptions',
  'NormalizeMode', 'NormalizeOptions', 'IdxOptions', 'CsvOptions', 'ImageFolderOptions',
  'BatchNormalizationSpec', 'BatchNormalizationOptions',
  'GlobalPool2dSpec', 'ReshapeSpec', 'ActivationSpec', 'GlobalPool2dOptions', 'ReshapeOptions', 'ActivationOptions',
  'LossSpec', 'TopKMetricSpec', 'MetricSpec', 'CrossentropyOptions', 'TopKOptions',
  'RmspropOptions', 'AdamwOptions', 'ClippingOptions', 'ExponentialDecayOptions', 'PiecewiseConstantDecayOptions', 'CosineDecayOptions',
  'EarlyStoppingOptions', 'ScheduleSpec', 'LearningRateSpec', 'ClippingSpec', 'EarlyStoppingSpec', 'MonitorName', 'CallbackSpec',
]);
