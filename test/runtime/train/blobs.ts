// A tiny generated classification set for the training tests: Gaussian blobs around random
// class centres, separable enough that a softmax regression can reach a low loss.

import type { Dataset } from '../../../runtime/data/dataset';
import { Rng } from '../../../format/rng';

export function blobs(count: number, features: number, classes: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const centres = Array.from({ length: classes * features }, () => (rng.next() - 0.5) * 6);
  const x = new Float32Array(count * features);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = rng.nextU32() % classes;
    labels[n] = label;
    for (let f = 0; f < features; f++) x[n * features + f] = centres[label * features + f] + rng.normal() * 0.7;
  }
  return { x, labels, count, inputShape: [features], classes };
}
