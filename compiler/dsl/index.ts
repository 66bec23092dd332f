// The nnc model DSL: what model files import as `from 'nnc'`. Each function validates its
// options (throwing DslError) and returns the normalised plain spec of ./spec.ts, so
// running a model file and reading it with the front end give the same ModelSpec.

export * from './spec';
export { DslError, type Path, type PathKey } from './errors';
export { zeros, ones, constant, glorotUniform, glorotNormal, heNormal, heUniform, type InitializerName } from './initializers';
export { l1, l2, l1l2, type L1L2Options } from './regularizers';
export { nonNeg, maxNorm, minMaxNorm, type MaxNormOptions, type MinMaxNormOptions } from './constraints';
export { adam, sgd, type AdamOptions, type SgdOptions } from './optimizers';
export { mnist, idx } from './data';
export { conv2d, dense, type Conv2dOptions, type DenseOptions, type WeightOptions } from './layers/weighted';
export {
  prelu, relu, leakyRelu, elu, sigmoid, tanh, softmax,
  type PReluOptions, type AlphaOptions, type NameOptions,
} from './layers/activations';
export { maxPool2d, avgPool2d, type Pool2dOptions } from './layers/pooling';
export { dropout, flatten, type DropoutOptions } from './layers/reshaping';
export { model, type ModelOptions, type FitOptions } from './model';
