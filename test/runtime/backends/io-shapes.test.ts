// Accuracy counts against examples counted by hand: arg-max (first maximum wins), the binary
// threshold (probabilities at 0.5, logits at 0), and top-k with TensorFlow's tie rule.

import { strict as assert } from 'node:assert';
import type { ModelIO } from '../../../format/manifest';
import { countCorrect, countTopK, scoreBatch } from '../../../runtime/backends/io-shapes';

const io = (o: Partial<ModelIO>): ModelIO => ({ inputShape: [1], inputSize: 1, labelSize: 1, classes: 3, sparse: true, outputShape: [3], ...o });

describe('runtime/backends/io-shapes', () => {
  it('counts arg-max hits, the first maximum winning a tie', () => {
    const probs = [0.2, 0.5, 0.3, /**/ 0.4, 0.4, 0.2, /**/ 0.1, 0.1, 0.8];
    assert.equal(countCorrect(probs, [1, 1, 2], 3, io({})), 2, 'example 1 ties 0 and 1: class 0 wins');
    const onehot = [0, 1, 0, /**/ 1, 0, 0, /**/ 0, 0, 1];
    assert.equal(countCorrect(probs, onehot, 3, io({ sparse: false, labelSize: 3 })), 3);
  });

  it('thresholds a one-unit binary classifier: above 0.5 for probabilities, above 0 for logits', () => {
    const labels = [1, 1, 1, 0];
    assert.equal(countCorrect([0.9, 0.5, 0.51, 0.2], labels, 4, io({ classes: 2, outputShape: [1], threshold: 0.5 })), 3, '0.5 is class 0');
    assert.equal(countCorrect([2.5, 0, 0.1, -3], labels, 4, io({ classes: 2, outputShape: [1], threshold: 0 })), 3, '0 is class 0');
  });

  it('counts top-k hits, a tie at the boundary counting as in the top k (as tf.math.in_top_k)', () => {
    const probs = [0.1, 0.2, 0.3, 0.4, /**/ 0.4, 0.3, 0.2, 0.1, /**/ 0.25, 0.25, 0.25, 0.25];
    const labels = [1, 1, 3];
    const four = io({ classes: 4, outputShape: [4] });
    assert.equal(countTopK(probs, labels, 3, four, 1), 1, 'k 1: only a tie at the top');
    assert.equal(countTopK(probs, labels, 3, four, 2), 2);
    assert.equal(countTopK(probs, labels, 3, four, 3), 3);
    assert.deepEqual(scoreBatch(probs, labels, 3, { ...four, topK: 2 }), { correct: 0, topK: 2 }, 'arg-max takes the first of a tie; top-k counts the tie');
    assert.deepEqual(scoreBatch(probs, labels, 3, four), { correct: 0 }, 'no topK without the metric');
  });
});
