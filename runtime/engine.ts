// The contract between a compiled model and the training loop. A backend (the CPU
// backend, gpu.js, or the float64 reference used by tests) implements Engine; fit,
// evaluate, checkpoints and the CLI only ever talk to this interface.

/** A call the engine cannot serve (a batch size with no compiled program, say), in one line. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface BatchResult {
  /** Mean loss over the batch, regularisation terms included (as Keras reports it). */
  readonly loss: number;
  /** Number of examples whose predicted class (arg-max, or the binary threshold) equals the label. */
  readonly correct: number;
  /** With a top-k accuracy metric (ModelIO.topK): examples whose label is among the k highest outputs. */
  readonly topK?: number;
}

/** Everything needed to continue training bit-for-bit: weights, optimizer slots, step count. */
export interface TrainingState {
  readonly params: readonly NamedTensor[];
  /** Optimizer slots, e.g. `adam.m:conv1.kernel`, `adam.v:conv1.kernel`. */
  readonly slots: readonly NamedTensor[];
  readonly step: number;
}

export interface Engine {
  /** A short description, e.g. `cpu (wasm simd, 2 threads)`. */
  readonly description: string;
  /** Input features per example (e.g. 784) and label width (classes, or 1 for sparse labels). */
  readonly inputSize: number;
  readonly labelSize: number;
  /**
   * One optimisation step on `batch` examples: forward, backward, update, constraints.
   * `x` holds batch*inputSize values, `labels` batch*labelSize. `seed` seeds this step's dropout masks.
   */
  trainStep(x: Float32Array, labels: Float32Array, batch: number, seed: number): BatchResult;
  /**
   * Loss and correct count in inference mode (no dropout), no update. With `outputs`
   * (batch*outputSize values) it also writes there the outputs predict would give, so that one
   * pass over a data set yields both (a confusion matrix beside the loss).
   */
  evaluate(x: Float32Array, labels: Float32Array, batch: number, outputs?: Float32Array): BatchResult;
  /** Model outputs (e.g. softmax probabilities), batch*outputSize values. */
  predict(x: Float32Array, batch: number): Float32Array;
  getState(): TrainingState;
  setState(state: TrainingState): void;
  dispose(): void;
}

/** One epoch of a History, as Keras records it. */
export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  /** With a top-k metric only (absent otherwise): its value on the training and validation sets. */
  readonly topKAccuracy?: number;
  readonly valTopKAccuracy?: number | null;
  readonly seconds: number;
}

export interface History {
  readonly model: string;
  readonly epochs: readonly EpochRecord[];
}
