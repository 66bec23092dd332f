// Accuracy as Keras counts it, over a batch of model outputs and labels.

import type { ModelIO } from '../../format/manifest';

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
