// What every backend needs to know about a model's inputs and labels, and accuracy as Keras counts it.

import type { CompiledModel } from '../../compiler/pipeline';

export interface ModelIO {
  readonly inputShape: readonly number[];
  readonly inputSize: number;
  /** Classes for one-hot labels (values per example), 1 for sparse labels. */
  readonly labelSize: number;
  readonly classes: number;
  readonly sparse: boolean;
}

export function modelIO(model: CompiledModel): ModelIO {
  const inputShape = model.spec.input;
  const probs = model.forward.nodes.find((n) => n.id === model.forward.outputs.probs);
  if (!probs) throw new Error('the model has no output');
  const last = probs.type.shape[probs.type.shape.length - 1];
  const classes = typeof last === 'number' ? last : 1;
  const sparse = model.spec.loss === 'sparseCategoricalCrossentropy';
  return { inputShape, inputSize: inputShape.reduce((a, b) => a * b, 1), labelSize: sparse ? 1 : classes, classes, sparse };
}

/** Examples whose arg-max prediction equals the label (first maximum wins, as argmax). */
export function countCorrect(probs: ArrayLike<number>, labels: ArrayLike<number>, batch: number, io: ModelIO): number {
  let correct = 0;
  for (let i = 0; i < batch; i++) {
    let best = 0;
    for (let c = 1; c < io.classes; c++) if (probs[i * io.classes + c] > probs[i * io.classes + best]) best = c;
    let label = 0;
    if (io.sparse) label = labels[i];
    else for (let c = 1; c < io.classes; c++) if (labels[i * io.classes + c] > labels[i * io.classes + label]) label = c;
    if (best === label) correct++;
  }
  return correct;
}
