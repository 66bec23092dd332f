// The report's settings table and confusion-matrix chart.

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeReport } from '../../../runtime/report/html';
import { describeValue, settingsRows, type RunSettings } from '../../../runtime/report/settings';
import type { OptimizerSpec } from '../../../format/spec';
import { history } from './histories';

const scheduled = {
  kind: 'sgd', momentum: 0.9, nesterov: false, clipnorm: 1,
  learningRate: { kind: 'exponentialDecay', initialLearningRate: 0.01, decaySteps: 100, decayRate: 0.5, staircase: true },
} as unknown as OptimizerSpec;

const settings: RunSettings = { optimizer: scheduled, loss: 'sparseCategoricalCrossentropy', batchSize: 32, epochs: 3, seed: 7, data: 'MNIST <test>', backend: 'cpu', date: '2026-12-02T08:00:00Z' };

describe('report settings and confusion matrix', function () {
  this.timeout(60_000);

  it('spells every option of the optimizer and a schedule as the DSL would, whatever their kind', () => {
    assert.equal(describeValue({ kind: 'piecewiseConstantDecay', boundaries: [10, 20], values: [0.1, 0.01, 0.001] }), 'piecewiseConstantDecay({ boundaries: [10, 20], values: [0.1, 0.01, 0.001] })');
    assert.deepEqual(settingsRows(settings).slice(0, 2), [
      ['Optimizer', 'sgd({ momentum: 0.9, nesterov: false, clipnorm: 1 })'],
      ['Learning rate', 'exponentialDecay({ initialLearningRate: 0.01, decaySteps: 100, decayRate: 0.5, staircase: true })'],
    ]);
  });

  it('writes the settings table and the test set\'s confusion matrix as a chart (SVG and PNG)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-report-settings-'));
    try {
      const confusion = { classes: 3, counts: Uint32Array.from([50, 2, 0, 3, 41, 7, 0, 0, 64]) };
      const { html, files } = await writeReport(dir, [{ name: 'three', history: history('three', 2), test: { loss: 0.1, accuracy: 0.93 }, secondsPerEpoch: 1, params: 10, settings, confusion }]);
      for (const f of ['three-confusion.svg', 'three-confusion.png']) assert.ok(files.includes(path.join(dir, f)), `${f} not written`);
      const svg = fs.readFileSync(path.join(dir, 'three-confusion.svg'), 'utf8');
      for (const n of [50, 41, 64, 7]) assert.match(svg, new RegExp(`>${n}</text>`), `count ${n} written in its cell`);
      assert.match(svg, /Predicted class/);
      const page = fs.readFileSync(html, 'utf8');
      assert.match(page, /<tr><th scope="row">Seed<\/th><td>7<\/td><\/tr>/);
      assert.match(page, /<tr><th scope="row">Data<\/th><td>MNIST &#60;test&#62;<\/td><\/tr>/, 'escaped');
      assert.match(page, /<tr><th scope="row">Date<\/th><td>2026-12-02T08:00:00Z<\/td><\/tr>/);
      assert.equal((page.match(/<svg/g) ?? []).length, 5, 'accuracy, loss, confusion and the two overlays');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
