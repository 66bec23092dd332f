// The nnc model DSL: what model files import as `from 'nnc'`. Each function validates its
// options (throwing DslError) and returns the normalised plain spec of ./spec.ts, so
// running a model file and reading it with the front end give the same ModelSpec.

export * from './spec';
export { DslError, type Path, type PathKey } from './errors';
export { zeros, ones, constant, glorotUniform, glorotNormal, heNormal, heUniform, type InitializerName } from './initializers';
export { l1, l2, l1l2, type L1L2Options } from './regularizers';
export { nonNeg, maxNorm, minMaxNorm, type MaxNormOptions, type MinMaxNormOptions } from './constraints';
export {
  adam, sgd, rmsprop, adamw, type AdamOptions, type SgdOptions, type RmspropOptions, type AdamwOptions, type ClippingOptions,
} from './optimizers';
export {
  exponentialDecay, piecewiseConstantDecay, cosineDecay,
  type ExponentialDecayOptions, type PiecewiseConstantDecayOptions, type CosineDecayOptions,
} from './schedules';
export { earlyStopping, type EarlyStoppingOptions } from './callbacks';
export { mnist, fashionMnist, idx, csv, imageFolder, type NormalizeOptions, type IdxOptions, type CsvOptions, type ImageFolderOptions } from './data';
export { conv2d, dense, type Conv2dOptions, type DenseOptions, type WeightOptions } from './layers/weighted';
export {
  prelu, relu, leakyRelu, elu, sigmoid, tanh, softmax,
  type PReluOptions, type AlphaOptions, type NameOptions,
} from './layers/activations';
export { maxPool2d, avgPool2d, type Pool2dOptions } from './layers/pooling';
export { dropout, flatten, type DropoutOptions } from './layers/reshaping';
export { globalAveragePooling2d, globalMaxPooling2d, type GlobalPool2dOptions } from './layers/pooling';
export { reshape, type ReshapeOptions } from './layers/reshaping';
export { activation, type ActivationOptions } from './layers/activations';
export { batchNormalization, type BatchNormalizationOptions } from './layers/normalization';
export { model, type ModelOptions, type FitOptions } from './model';
export {
  categoricalCrossentropy, sparseCategoricalCrossentropy, binaryCrossentropy, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy,
  type CrossentropyOptions, type TopKOptions,
} from './losses';
