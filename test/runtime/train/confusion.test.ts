// The confusion matrix and per-class precision and recall against a table counted by hand.

import { strict as assert } from 'node:assert';
import type { ModelIO } from '../../../format/manifest';
import type { Dataset } from '../../../runtime/data/dataset';
import { classReport, confusionMatrix } from '../../../runtime/train/confusion';

const dataset = (labels: number[], classes: number): Dataset => ({ x: new Float32Array(labels.length), labels: Uint8Array.from(labels), count: labels.length, inputShape: [1], classes });

describe('runtime/train/confusion', () => {
  // Actual  0 0 0 1 1 2 2 2
  // Arg-max 0 1 0 1 1 2 0 1   -> row 0: [2,1,0], row 1: [0,2,0], row 2: [1,1,1]
  const outputs = Float32Array.from([
    0.8, 0.1, 0.1, /**/ 0.2, 0.7, 0.1, /**/ 0.6, 0.3, 0.1, /**/ 0.1, 0.8, 0.1,
    0.2, 0.5, 0.3, /**/ 0.1, 0.1, 0.8, /**/ 0.5, 0.2, 0.3, /**/ 0.3, 0.4, 0.3,
  ]);
  const io: ModelIO = { inputShape: [1], inputSize: 1, labelSize: 1, classes: 3, sparse: true, outputShape: [3] };
  const m = confusionMatrix(outputs, dataset([0, 0, 0, 1, 1, 2, 2, 2], 3), io);

  it('counts actual class by predicted class', () => {
    assert.deepEqual([...m.counts], [2, 1, 0, 0, 2, 0, 1, 1, 1]);
  });

  it('gives precision tp/predicted, recall tp/actual and their plain means', () => {
    const r = classReport(m);
    // predicted 0: 3 (2 right), 1: 4 (2 right), 2: 1 (1 right); actual 3, 2, 3.
    assert.deepEqual(r.perClass.map((s) => [s.precision, s.recall, s.support]), [[2 / 3, 2 / 3, 3], [2 / 4, 2 / 2, 2], [1, 1 / 3, 3]]);
    assert.ok(Math.abs(r.macro.precision - (2 / 3 + 0.5 + 1) / 3) < 1e-15);
    assert.ok(Math.abs(r.macro.recall - (2 / 3 + 1 + 1 / 3) / 3) < 1e-15);
    assert.equal(r.accuracy, 5 / 8);
  });

  it('thresholds a binary classifier and gives a class never predicted precision 0 (scikit-learn\'s zero_division)', () => {
    const binary: ModelIO = { ...io, classes: 2, outputShape: [1], threshold: 0.5 };
    const b = confusionMatrix(Float32Array.from([0.1, 0.2, 0.4, 0.3]), dataset([0, 1, 1, 0], 2), binary);
    assert.deepEqual([...b.counts], [2, 0, 2, 0]);
    const r = classReport(b);
    assert.deepEqual(r.perClass.map((s) => [s.precision, s.recall]), [[0.5, 1], [0, 0]]);
  });
});
