// ModelSpec: the plain, fully normalised data a model file describes. The DSL's functions
// return these objects (defaults filled in), and the ts-morph front end produces the same
// objects without running the file.

export type InitializerSpec =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'glorotUniform' }
  | { readonly kind: 'glorotNormal' }
  | { readonly kind: 'heNormal' }
  | { readonly kind: 'heUniform' };

export interface RegularizerSpec {
  readonly kind: 'l1l2';
  readonly l1: number;
  readonly l2: number;
}

export type ConstraintSpec =
  | { readonly kind: 'nonNeg' }
  | { readonly kind: 'maxNorm'; readonly maxValue: number; readonly axis: readonly number[] }
  | { readonly kind: 'minMaxNorm'; readonly minValue: number; readonly maxValue: number; readonly rate: number; readonly axis: readonly number[] };

export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu';
export type Padding = 'valid' | 'same';

export interface Conv2dSpec {
  readonly type: 'conv2d';
  readonly filters: number;
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  readonly kernelRegularizer: RegularizerSpec | null;
  readonly biasRegularizer: RegularizerSpec | null;
  readonly kernelConstraint: ConstraintSpec | null;
  readonly biasConstraint: ConstraintSpec | null;
  readonly name: string | null;
}

export interface DenseSpec {
  readonly type: 'dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerSpec;
  readonly biasInitializer: InitializerSpec;
  readonly kernelRegularizer: RegularizerSpec | null;
  readonly biasRegularizer: RegularizerSpec | null;
  readonly kernelConstraint: ConstraintSpec | null;
  readonly biasConstraint: ConstraintSpec | null;
  readonly name: string | null;
}

export interface PReluSpec {
  readonly type: 'prelu';
  readonly alphaInitializer: InitializerSpec;
  readonly alphaRegularizer: RegularizerSpec | null;
  readonly alphaConstraint: ConstraintSpec | null;
  /** 1-based axes of the input (batch axis excluded, as Keras counts them). */
  readonly sharedAxes: readonly number[];
  readonly name: string | null;
}

export interface ActivationLayerSpec {
  readonly type: 'relu' | 'sigmoid' | 'tanh' | 'softmax';
  readonly name: string | null;
}
export interface LeakyReluSpec { readonly type: 'leakyRelu'; readonly alpha: number; readonly name: string | null }
export interface EluSpec { readonly type: 'elu'; readonly alpha: number; readonly name: string | null }

export interface Pool2dSpec {
  readonly type: 'maxPool2d' | 'avgPool2d';
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly name: string | null;
}

export interface DropoutSpec { readonly type: 'dropout'; readonly rate: number; readonly name: string | null }
export interface FlattenSpec { readonly type: 'flatten'; readonly name: string | null }

export type LayerSpec =
  | Conv2dSpec | DenseSpec | PReluSpec | ActivationLayerSpec | LeakyReluSpec | EluSpec
  | Pool2dSpec | DropoutSpec | FlattenSpec;

export type LossName = 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError';

export type OptimizerSpec =
  | { readonly kind: 'adam'; readonly learningRate: number; readonly beta1: number; readonly beta2: number; readonly epsilon: number }
  | { readonly kind: 'sgd'; readonly learningRate: number; readonly momentum: number; readonly nesterov: boolean };

export interface FitSpec {
  readonly batchSize: number;
  readonly epochs: number;
  readonly validationSplit: number;
  readonly shuffle: boolean;
  readonly seed: number;
}

export type DataSpec =
  | { readonly kind: 'mnist' }
  | { readonly kind: 'idx'; readonly dir: string };

export interface ModelSpec {
  readonly name: string;
  /** Input shape without the batch axis, channels-last: [height, width, channels] or [features]. */
  readonly input: readonly number[];
  readonly layers: readonly LayerSpec[];
  readonly loss: LossName;
  readonly optimizer: OptimizerSpec;
  readonly metrics: readonly 'accuracy'[];
  readonly fit: FitSpec;
  readonly data: DataSpec;
}
