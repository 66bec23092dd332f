// Top-k accuracy through the training loop, history.json and the progress line, on a model
// compiled from a spec and run on the CPU backend: k = classes must give 1 (every label is
// among all the outputs), and the history must carry it under Keras' name.

import { strict as assert } from 'node:assert';
import { adam, dense, model, mnist, topKCategoricalAccuracy } from '../../../compiler/dsl/index';
import { buildModel, compileSpec } from '../../../compiler/pipeline';
import { createCpuEngine } from '../../../runtime/backends/cpu/engine';
import { splitValidation } from '../../../runtime/data/dataset';
import { evaluate } from '../../../runtime/train/evaluate';
import { fit } from '../../../runtime/train/fit';
import { kerasHistory } from '../../../runtime/train/history-json';
import { epochLine } from '../../../cli/commands/train-progress';
import { blobs } from './blobs';

const CLASSES = 4;

async function trained(k: number): Promise<{ history: Awaited<ReturnType<typeof fit>>; test: ReturnType<typeof evaluate> }> {
  const spec = model({
    name: 'topk', input: [6], layers: [dense({ units: CLASSES, activation: 'softmax' })], loss: 'categoricalCrossentropy',
    optimizer: adam({ learningRate: 0.01 }), metrics: ['accuracy', topKCategoricalAccuracy({ k })], fit: { batchSize: 16, seed: 3 }, data: mnist(),
  });
  const files = await buildModel(compileSpec(spec), { trainBatches: [16, 8], inferBatches: [16, 8] });
  const engine = await createCpuEngine(files, { seed: 3, threads: 1 });
  try {
    const { train, val } = splitValidation(blobs(120, 6, CLASSES, 5), 0.2);
    const history = await fit(engine, { train, val }, { epochs: 2, batchSize: 16, shuffle: true, seed: 3, labelMode: 'onehot' });
    return { history, test: evaluate(engine, val ?? train, 16, 'onehot') };
  } finally {
    engine.dispose();
  }
}

describe('top-k accuracy', function () {
  this.timeout(120_000);

  it('is 1 with k = classes, and at least the accuracy with k = 2, in the history, its JSON and the epoch line', async () => {
    const all = await trained(CLASSES);
    for (const r of all.history.epochs) {
      assert.equal(r.topKAccuracy, 1);
      assert.equal(r.valTopKAccuracy, 1);
    }
    assert.equal(all.test.topKAccuracy, 1);
    assert.ok(all.history.epochs[0].accuracy < 1, 'plain accuracy is below 1, so the check above tells the two apart');
    const json = kerasHistory(all.history, all.test);
    assert.deepEqual(json.top_k_categorical_accuracy, [1, 1]);
    assert.deepEqual(json.val_top_k_categorical_accuracy, [1, 1]);
    assert.match(epochLine(all.history.epochs[0], 2), / - top_k_accuracy: 1\.0000 - val_loss: .* - val_top_k_accuracy: 1\.0000$/);
    const two = await trained(2);
    for (const r of two.history.epochs) assert.ok((r.topKAccuracy ?? -1) >= r.accuracy && (r.topKAccuracy ?? 2) < 1, JSON.stringify(r));
  });
});
