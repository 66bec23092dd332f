// batchNormalization through the CLI, as a user runs it: the summary counts the moving
// statistics as non-trainable params (as Keras does); training saves them in the weights
// file and every checkpoint; an interrupted run resumed from a checkpoint ends with the same
// bytes (moving statistics included) as one that never stopped; nnc eval on the saved
// weights prints what training printed for the test set.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSafetensors } from '../../runtime/io/safetensors';
import { nnc } from './train-cli';
import { tempDir, writeTinyIdx } from './train-fixtures';

function writeModel(file: string): string {
  fs.writeFileSync(file, `import { model, conv2d, batchNormalization, relu, flatten, dense, adam, idx } from 'nnc';

export default model({
  name: 'tiny-bn',
  input: [4, 4, 1],
  layers: [
    conv2d({ filters: 3, kernelSize: 2, useBias: false }),
    batchNormalization({ momentum: 0.8 }),
    relu(),
    flatten(),
    dense({ units: 6 }),
    batchNormalization({ center: false }),
    dense({ units: 10, activation: 'softmax' }),
  ],
  loss: 'categoricalCrossentropy',
  optimizer: adam({ learningRate: 0.02 }),
  metrics: ['accuracy'],
  fit: { batchSize: 32, epochs: 3, validationSplit: 0.2, seed: 1 },
  data: idx('data'),
});
`);
  return file;
}

const MOVING = ['batch_normalization_1.moving_mean', 'batch_normalization_1.moving_variance', 'batch_normalization_2.moving_mean', 'batch_normalization_2.moving_variance'];

describe('nnc with batchNormalization: moving statistics in the summary, weights, checkpoints and --resume', function () {
  this.timeout(300_000);
  let work: string;
  let model: string;
  before(() => {
    work = tempDir('nnc-bn-cli-');
    writeTinyIdx(path.join(work, 'data'));
    model = writeModel(path.join(work, 'tiny-bn.ts'));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('nnc build counts the moving statistics as non-trainable params', async () => {
    const r = await nnc('build', model, '--out', path.join(work, 'tiny-bn.nnc'), '--no-gpu');
    assert.equal(r.code, 0, r.stderr);
    // conv 2*2*1*3 = 12; bn 3 gamma + 3 beta + 6 moving; dense 27*6+6 = 168; bn 6 gamma + 12 moving; dense 6*10+10 = 70.
    assert.match(r.stdout, /^Total params: 280$/m);
    assert.match(r.stdout, /^Trainable params: 262$/m);
    assert.match(r.stdout, /^Non-trainable params: 18$/m);
  });

  it('saves the moving statistics, resumes them bit for bit, and nnc eval prints the test figures training printed', async () => {
    const whole = path.join(work, 'whole');
    const trained = await nnc('train', model, '--out', whole, '--threads', '1');
    assert.equal(trained.code, 0, trained.stderr);
    const weights = readSafetensors(path.join(whole, 'weights.safetensors')).tensors;
    for (const name of MOVING) {
      const t = weights.find((w) => w.name === name);
      assert.ok(t, `weights.safetensors lacks ${name}`);
      // Initial values are 0 (mean) and 1 (variance): training moved them.
      assert.ok(t.data.some((v) => v !== 0 && v !== 1), `${name} was never updated`);
    }
    const checkpoint = readSafetensors(path.join(whole, 'checkpoints', 'epoch-0003.safetensors')).tensors;
    assert.ok(MOVING.every((n) => checkpoint.some((t) => t.name === n)));
    assert.ok(!checkpoint.some((t) => t.name.startsWith('adam.') && t.name.includes('moving')), 'the moving statistics got optimizer slots');

    const part = path.join(work, 'part');
    assert.equal((await nnc('train', model, '--out', part, '--threads', '1', '--epochs', '1')).code, 0);
    const resumed = await nnc('train', model, '--resume', part, '--threads', '1', '--epochs', '3');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(fs.readFileSync(path.join(part, 'weights.safetensors')), fs.readFileSync(path.join(whole, 'weights.safetensors')));

    const test = /Test loss: \S+ \/ Test accuracy: \S+/.exec(trained.stdout)?.[0];
    assert.ok(test, trained.stdout);
    const evaluated = await nnc('eval', model, '--weights', path.join(whole, 'weights.safetensors'), '--threads', '1');
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.ok(evaluated.stdout.includes(test), `eval printed ${evaluated.stdout}, training ${test}`);
  });
});
