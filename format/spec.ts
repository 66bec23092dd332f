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

/** Keras' BatchNormalization: batch statistics in training, moving statistics in inference. */
export interface BatchNormalizationSpec {
  readonly type: 'batchNormalization';
  /** The normalised (channels) axis: -1 or the input's last axis counted with the batch axis. */
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: InitializerSpec;
  readonly gammaInitializer: InitializerSpec;
  readonly movingMeanInitializer: InitializerSpec;
  readonly movingVarianceInitializer: InitializerSpec;
  readonly betaRegularizer: RegularizerSpec | null;
  readonly gammaRegularizer: RegularizerSpec | null;
  readonly betaConstraint: ConstraintSpec | null;
  readonly gammaConstraint: ConstraintSpec | null;
  readonly name: string | null;
}
export interface FlattenSpec { readonly type: 'flatten'; readonly name: string | null }

/** Keras' GlobalAveragePooling2D / GlobalMaxPooling2D: [N,H,W,C] -> [N,C] ([N,1,1,C] with keepDims). */
export interface GlobalPool2dSpec {
  readonly type: 'globalAveragePooling2d' | 'globalMaxPooling2d';
  readonly keepDims: boolean;
  readonly name: string | null;
}
/** Keras' Reshape: the target shape without the batch axis; one entry may be -1 (inferred). */
export interface ReshapeSpec { readonly type: 'reshape'; readonly targetShape: readonly number[]; readonly name: string | null }
/** Keras' Activation layer: a named activation applied alone. */
export interface ActivationSpec { readonly type: 'activation'; readonly activation: ActivationName; readonly name: string | null }

export type LayerSpec =
  | Conv2dSpec | DenseSpec | PReluSpec | ActivationLayerSpec | LeakyReluSpec | EluSpec
  | Pool2dSpec | DropoutSpec | FlattenSpec
  | BatchNormalizationSpec
  | GlobalPool2dSpec | ReshapeSpec | ActivationSpec;

export type LossName =
  | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'binaryCrossentropy'
  | 'meanSquaredError' | 'meanAbsoluteError';

/** A loss with its options, as categoricalCrossentropy({ fromLogits: true }) returns it. */
export interface LossSpec {
  readonly kind: LossName;
  /** Cross-entropies only: the output is raw scores (logits), not probabilities (Keras' from_logits). */
  readonly fromLogits?: boolean;
}

/** Keras' top-k accuracy (k defaults to 5); the sparse form reads class indices. */
export interface TopKMetricSpec {
  readonly kind: 'topKCategoricalAccuracy' | 'sparseTopKCategoricalAccuracy';
  readonly k: number;
}
/** 'accuracy' is arg-max accuracy, or binary accuracy (threshold 0.5) with binaryCrossentropy. */
export type MetricSpec = 'accuracy' | TopKMetricSpec;

/** Keras 3's learning-rate schedules, as functions of the 0-based number of updates done. */
export type ScheduleSpec =
  | { readonly kind: 'exponentialDecay'; readonly initialLearningRate: number; readonly decaySteps: number; readonly decayRate: number; readonly staircase: boolean }
  | { readonly kind: 'piecewiseConstantDecay'; readonly boundaries: readonly number[]; readonly values: readonly number[] }
  | {
    readonly kind: 'cosineDecay'; readonly initialLearningRate: number; readonly decaySteps: number; readonly alpha: number;
    readonly warmupTarget: number | null; readonly warmupSteps: number;
  };

/** A constant learning rate or a schedule. */
export type LearningRateSpec = number | ScheduleSpec;

/** Keras' gradient clipping; at most one is set, and a key is present only when set. */
export interface ClippingSpec {
  readonly clipnorm?: number;
  readonly clipvalue?: number;
  readonly globalClipnorm?: number;
}

export type OptimizerSpec = ClippingSpec & (
  | { readonly kind: 'adam'; readonly learningRate: LearningRateSpec; readonly beta1: number; readonly beta2: number; readonly epsilon: number }
  | { readonly kind: 'sgd'; readonly learningRate: LearningRateSpec; readonly momentum: number; readonly nesterov: boolean }
  | { readonly kind: 'rmsprop'; readonly learningRate: LearningRateSpec; readonly rho: number; readonly momentum: number; readonly epsilon: number; readonly centered: boolean }
  | { readonly kind: 'adamw'; readonly learningRate: LearningRateSpec; readonly weightDecay: number; readonly beta1: number; readonly beta2: number; readonly epsilon: number }
);

/** Keras' EarlyStopping callback. */
export interface EarlyStoppingSpec {
  readonly kind: 'earlyStopping';
  readonly monitor: MonitorName;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'auto' | 'min' | 'max';
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
}
export type MonitorName = 'loss' | 'accuracy' | 'val_loss' | 'val_accuracy';
export type CallbackSpec = EarlyStoppingSpec;

export interface FitSpec {
  readonly batchSize: number;
  readonly epochs: number;
  readonly validationSplit: number;
  readonly shuffle: boolean;
  readonly seed: number;
  /** Present only when the model file gives callbacks (TF.js' fit option). */
  readonly callbacks?: readonly CallbackSpec[];
}

/** How a data source's values become the model's input (runtime/data/normalize.ts); absent: 'scale' for pixels, else 'none'. */
export type NormalizeMode = 'scale' | 'standardize' | 'none';

/** Where the examples come from; paths are relative to the model file. `normalize` is present only when given. */
export type DataSpec =
  | { readonly kind: 'mnist'; readonly normalize?: NormalizeMode }
  | { readonly kind: 'fashionMnist'; readonly normalize?: NormalizeMode }
  | { readonly kind: 'idx'; readonly dir: string; readonly normalize?: NormalizeMode }
  | {
    readonly kind: 'csv'; readonly train: string; readonly test: string;
    /** The label column's header; the other columns are the features, in file order. */
    readonly label: string;
    /** Class names in class-index order; null: integer labels as they are, or the names sorted. */
    readonly classes: readonly string[] | null;
    readonly normalize?: NormalizeMode;
  }
  | { readonly kind: 'imageFolder'; readonly train: string; readonly test: string; readonly normalize?: NormalizeMode };

export interface ModelSpec {
  readonly name: string;
  /** Input shape without the batch axis, channels-last: [height, width, channels] or [features]. */
  readonly input: readonly number[];
  readonly layers: readonly LayerSpec[];
  readonly loss: LossName;
  /** Cross-entropy losses: the output is logits, not probabilities. Present only when true (as model() returns it). */
  readonly fromLogits?: boolean;
  readonly optimizer: OptimizerSpec;
  readonly metrics: readonly MetricSpec[];
  readonly fit: FitSpec;
  readonly data: DataSpec;
}
