// End to end through the CLI, as a user would: a 3-class CSV data set and a folder of PNG
// images, each written here, train models to high test accuracy; eval, predict and
// loadModel(...).predict apply the normalisation the weights were trained with; a resume on
// changed data and labels outside the model's classes are refused in one line.

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import { Rng } from '../../format/rng';
import { loadModel } from '../../runtime/api';
import { readSafetensors } from '../../runtime/io/safetensors';
import { nnc } from './train-cli';
import { tempDir } from './train-fixtures';

const NAMES = ['circle', 'ring', 'halo'];

/**
 * Three concentric rings (radius 1, 2, 3 plus noise within 0.35: separable, but not by any
 * line), the two coordinates on scales a million apart, and a pure-noise third feature.
 */
function writeRingsCsv(file: string, count: number, rng: Rng): void {
  const rows = ['x_km,noise,y_mm,kind'];
  for (let i = 0; i < count; i++) {
    const c = i % 3;
    const angle = rng.next() * 2 * Math.PI;
    const r = c + 1 + (rng.next() - 0.5) * 0.7;
    rows.push(`${(r * Math.cos(angle) / 1000).toPrecision(6)},${(rng.next() * 4 - 2).toFixed(3)},${(r * Math.sin(angle) * 1000).toFixed(2)},${NAMES[c]}`);
  }
  fs.writeFileSync(file, rows.join('\n') + '\n');
}

function csvModel(dir: string, units = 3): string {
  const file = path.join(dir, `rings-${units}.ts`);
  fs.writeFileSync(file, `import { model, dense, adam, csv } from 'nnc';
export default model({
  name: 'rings',
  input: [3],
  layers: [dense({ units: 32, activation: 'relu' }), dense({ units: 32, activation: 'relu' }), dense({ units: ${units}, activation: 'softmax' })],
  loss: 'categoricalCrossentropy',
  optimizer: adam({ learningRate: 0.01 }),
  metrics: ['accuracy'],
  fit: { batchSize: 30, epochs: 30, validationSplit: 0.1, seed: 1 },
  data: csv({ train: 'train.csv', test: 'test.csv', label: 'kind', normalize: 'standardize' }),
});
`);
  return file;
}

const testAccuracy = (stdout: string): number => Number(/Test accuracy: ([0-9.]+)/.exec(stdout)?.[1]);
const testLoss = (stdout: string): string => /Test loss: (\S+)/.exec(stdout)?.[1] ?? 'none';

describe('data sources end to end', function () {
  this.timeout(600000);
  let dir: string;
  before(() => {
    dir = tempDir('nnc-data-e2e-');
    const rng = new Rng(11);
    writeRingsCsv(path.join(dir, 'train.csv'), 600, rng);
    writeRingsCsv(path.join(dir, 'test.csv'), 150, rng);
  });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('a 3-class CSV trains a 1-D-input model to >= 0.95 test accuracy; eval, predict and loadModel agree on the normalised data', async () => {
    const model = csvModel(dir);
    const run = path.join(dir, 'run');
    const trained = await nnc('train', model, '--out', run, '--threads', '1');
    assert.equal(trained.code, 0, trained.stderr);
    assert.ok(testAccuracy(trained.stdout) >= 0.95, trained.stdout);
    const weights = path.join(run, 'weights.safetensors');
    // The statistics are the training split's only: the first 540 of 600 rows (validation split 0.1).
    const { metadata } = readSafetensors(weights);
    const stats = JSON.parse(metadata['nnc.input_normalization']) as { mode: string; offset: number[]; divisor: number[] };
    const column = fs.readFileSync(path.join(dir, 'train.csv'), 'utf8').trim().split('\n').slice(1, 541).map((l) => Math.fround(Number(l.split(',')[2])));
    const mean = column.reduce((a, b) => a + b, 0) / column.length;
    const sd = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length);
    assert.equal(stats.mode, 'standardize');
    assert.ok(Math.abs(stats.offset[2] - mean) < 1e-9 * Math.abs(mean) + 1e-12 && Math.abs(stats.divisor[2] - sd) < 1e-9 * sd, `${stats.offset[2]} ${stats.divisor[2]} vs ${mean} ${sd}`);
    const evaluated = await nnc('eval', model, '--weights', weights, '--threads', '1');
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.equal(testLoss(evaluated.stdout), testLoss(trained.stdout));
    const predicted = await nnc('predict', model, '--weights', weights, '--input', path.join(dir, 'test.csv'), '--json', '--threads', '1');
    assert.equal(predicted.code, 0, predicted.stderr);
    const rows = predicted.stdout.trim().split('\n').map((l) => JSON.parse(l) as { class: number; probabilities: number[] });
    // Class indices are the names sorted: circle 0, halo 1, ring 2.
    const sorted = [...NAMES].sort();
    const labels = fs.readFileSync(path.join(dir, 'test.csv'), 'utf8').trim().split('\n').slice(1).map((l) => sorted.indexOf(l.split(',')[3]));
    const correct = rows.filter((r, i) => r.class === labels[i]).length;
    assert.equal(correct / labels.length, testAccuracy(trained.stdout));
    // The compiled model with the same weights, fed the CSV's raw numbers, normalises them itself.
    const built = await nnc('build', model, '--out', path.join(dir, 'rings.nnc'));
    assert.equal(built.code, 0, built.stderr);
    const m = await loadModel(path.join(dir, 'rings.nnc'), { weights, threads: 1 });
    try {
      const raw = fs.readFileSync(path.join(dir, 'test.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 3).map(Number));
      const probs = m.predict(raw);
      rows.forEach((r, i) => r.probabilities.forEach((p, c) => assert.ok(Math.abs(p - probs[i * 3 + c]) < 1e-6, `example ${i} class ${c}`)));
    } finally {
      m.dispose();
    }
  });

  it('a resume on a changed CSV file is refused, naming the part', async () => {
    const model = csvModel(dir);
    const run = path.join(dir, 'run-resume');
    assert.equal((await nnc('train', model, '--out', run, '--epochs', '1', '--backend', 'reference')).code, 0);
    const train = path.join(dir, 'train.csv');
    const before = fs.readFileSync(train, 'utf8');
    fs.writeFileSync(train, before.replace(/\n[^\n]*\n$/, '\n'));
    try {
      const r = await nnc('train', model, '--resume', run, '--epochs', '2', '--backend', 'reference');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^nnc train: the train-csv file of .*train\.csv and .*test\.csv changed since the run started \(SHA-256 [0-9a-f]{12}\.\.\. then, [0-9a-f]{12}\.\.\. now\); resume with the same data, or start a new run\n$/);
    } finally {
      fs.writeFileSync(train, before);
    }
  });

  it('labels outside the model classes: one line naming the data file, row, label and the model with its units', async () => {
    const model = csvModel(dir, 2);
    const r = await nnc('train', model, '--out', path.join(dir, 'run-2'), '--backend', 'reference');
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(r.stderr, /train\.csv: row \d+, column 'kind': class 'ring' \(index 2 of circle, halo, ring\) is outside 0\.\.1, the classes of .*rings-2\.ts \(its last layer has 2 units\)\n$/);
  });

  it('a bad CSV value, a PNG of the wrong size and an absent data file are one line each, exit 1', async () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(path.join(bad, 'img', 'a'), { recursive: true });
    fs.writeFileSync(path.join(bad, 'train.csv'), 'x_km,noise,y_mm,kind\n1,2,3,ring\n4,5,six,halo\n');
    fs.writeFileSync(path.join(bad, 'test.csv'), 'x_km,noise,y_mm,kind\n1,2,3,ring\n');
    const model = csvModel(bad);
    const r = await nnc('train', model, '--out', path.join(bad, 'run'), '--backend', 'reference');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `nnc train: ${path.join(bad, 'train.csv')}: row 3, column 'y_mm': 'six' is not a number\n`);
    const png = new PNG({ width: 3, height: 2 });
    fs.writeFileSync(path.join(bad, 'img', 'a', 'wide.png'), PNG.sync.write(png));
    const imgModel = path.join(bad, 'img.ts');
    fs.writeFileSync(imgModel, `import { model, flatten, dense, adam, imageFolder } from 'nnc';
export default model({
  name: 'img', input: [2, 2, 1], layers: [flatten(), dense({ units: 2, activation: 'softmax' })],
  loss: 'categoricalCrossentropy', optimizer: adam(), metrics: ['accuracy'], fit: { batchSize: 4, epochs: 1, validationSplit: 0, seed: 1 },
  data: imageFolder({ train: 'img', test: 'img' }),
});
`);
    const w = await nnc('train', imgModel, '--out', path.join(bad, 'run2'), '--backend', 'reference');
    assert.equal(w.code, 1, w.stderr);
    assert.equal(w.stderr, `nnc train: ${path.join(bad, 'img', 'a', 'wide.png')}: the image is 3x2 (width x height) but the model takes 2x2 (input [2, 2, 1])\n`);
    fs.copyFileSync(path.join(bad, 'test.csv'), path.join(bad, 'train.csv'));
    fs.rmSync(path.join(bad, 'test.csv'));
    const gone = await nnc('train', model, '--out', path.join(bad, 'run3'), '--backend', 'reference');
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, `nnc train: ${path.join(bad, 'test.csv')}: file not found\n`);
  });

  it('a folder of PNG images (grey bars: horizontal, vertical, diagonal) trains a small CNN to >= 0.9', async () => {
    const rng = new Rng(5);
    const bar = (c: number, at: number, x: number, y: number): boolean => (c === 0 ? y === at : c === 1 ? x === at : (x + at) % 8 === y);
    for (const [split, count] of [['train', 80], ['test', 12]] as const) {
      for (let c = 0; c < 3; c++) {
        for (let k = 0; k < count; k++) {
          const png = new PNG({ width: 8, height: 8 });
          const at = rng.nextU32() % 8;
          for (let p = 0; p < 64; p++) {
            const v = bar(c, at, p % 8, Math.floor(p / 8)) ? 160 + (rng.nextU32() % 96) : rng.nextU32() % 70;
            png.data.set([v, v, v, 255], 4 * p);
          }
          const folder = path.join(dir, 'images', split, ['horizontal', 'vertical', 'diagonal'][c]);
          fs.mkdirSync(folder, { recursive: true });
          fs.writeFileSync(path.join(folder, `${k}.png`), PNG.sync.write(png, { colorType: 0 }));
        }
      }
    }
    const model = path.join(dir, 'bars.ts');
    fs.writeFileSync(model, `import { model, conv2d, maxPool2d, flatten, dense, adam, imageFolder } from 'nnc';
export default model({
  name: 'bars',
  input: [8, 8, 1],
  layers: [conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }), maxPool2d({ poolSize: 3 }), flatten(), dense({ units: 3, activation: 'softmax' })],
  loss: 'categoricalCrossentropy',
  optimizer: adam({ learningRate: 0.01 }),
  metrics: ['accuracy'],
  fit: { batchSize: 20, epochs: 20, validationSplit: 0.2, seed: 1 },
  data: imageFolder({ train: 'images/train', test: 'images/test' }),
});
`);
    const r = await nnc('train', model, '--out', path.join(dir, 'run-png'), '--threads', '1');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(testAccuracy(r.stdout) >= 0.9, r.stdout);
    const p = await nnc('predict', model, '--weights', path.join(dir, 'run-png', 'weights.safetensors'), '--input', path.join(dir, 'images', 'test', 'vertical'));
    assert.equal(p.code, 0, p.stderr);
    const classes = p.stdout.trim().split('\n').map((l) => Number(l.split('\t')[1]));
    assert.equal(classes.length, 12);
    // Class 2 is 'vertical' (sorted: diagonal, horizontal, vertical).
    assert.ok(classes.filter((c) => c === 2).length >= 10, p.stdout);
  });
});
