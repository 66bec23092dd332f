// nnc train with early stopping, as a user runs it: a model with RMSprop, a schedule, clipping
// and earlyStopping stops early, says so, restores the best epoch's weights (best.safetensors
// beside weights.safetensors), and a run interrupted by SIGINT after an epoch and resumed
// stops at the same epoch with the same weights. The stop epoch is checked against the Keras
// rule applied to the run's own val_loss history.

import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensors } from '../../runtime/io/safetensors';
import { nnc } from './train-cli';
import { tempDir, writeTinyIdx } from './train-fixtures';

const MODEL = `import { model, dense, flatten, relu, rmsprop, exponentialDecay, earlyStopping, idx } from 'nnc';

export default model({
  name: 'stops',
  input: [4, 4, 1],
  layers: [flatten(), dense({ units: 16 }), relu(), dense({ units: 10, activation: 'softmax' })],
  loss: 'categoricalCrossentropy',
  optimizer: rmsprop({ learningRate: exponentialDecay({ initialLearningRate: 0.01, decaySteps: 20, decayRate: 0.9 }), momentum: 0.5, clipnorm: 1 }),
  metrics: ['accuracy'],
  fit: {
    batchSize: 4, epochs: 60, validationSplit: 0.3, seed: 4,
    callbacks: [earlyStopping({ monitor: 'val_loss', patience: 5, minDelta: 0.001, restoreBestWeights: true })],
  },
  data: idx('./data'),
});
`;

/** Keras' rule on a val_loss history (patience 5, minDelta 0.001): the stop epoch and the best epoch. */
function kerasStop(valLoss: readonly number[]): { stopped: number; best: number } {
  let best = Infinity, bestEpoch = 0, wait = 0;
  for (let e = 0; e < valLoss.length; e++) {
    wait++;
    if (valLoss[e] + 0.001 < best) { best = valLoss[e]; bestEpoch = e + 1; wait = 0; continue; }
    if (wait >= 5 && e > 0) return { stopped: e + 1, best: bestEpoch };
  }
  return { stopped: -1, best: bestEpoch };
}

const tensors = (file: string): [string, number[]][] => readSafetensors(file).tensors.map((t) => [t.name, [...t.data]]);

describe('nnc train: early stopping', function () {
  this.timeout(300_000);
  let work: string;
  let modelFile: string;
  let whole: { stdout: string; dir: string };
  before(async () => {
    work = tempDir('nnc-early-');
    writeTinyIdx(path.join(work, 'data'), 5);
    modelFile = path.join(work, 'stops.ts');
    fs.writeFileSync(modelFile, MODEL);
    const dir = path.join(work, 'whole');
    const r = await nnc('train', modelFile, '--backend', 'reference', '--out', dir);
    assert.equal(r.code, 0, r.stderr);
    whole = { stdout: r.stdout, dir };
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('stops where Keras would, says so, and restores the best epoch (also in best.safetensors)', () => {
    const history = JSON.parse(fs.readFileSync(path.join(whole.dir, 'history.json'), 'utf8')) as { val_loss: number[] };
    const k = kerasStop(history.val_loss);
    assert.ok(k.stopped > 0 && k.stopped < 60, `the run should stop early; val_loss ${history.val_loss.join(', ')}`);
    assert.equal(history.val_loss.length, k.stopped);
    assert.match(whole.stdout, new RegExp(`^Epoch ${k.stopped}: early stopping \\(val_loss has not improved on [0-9.e-]+ of epoch ${k.best} for 5 epochs\\)$`, 'm'));
    assert.match(whole.stdout, new RegExp(`^Restored the weights of epoch ${k.best} \\(best val_loss: ${history.val_loss[k.best - 1]}\\)`, 'm'));
    assert.deepEqual(tensors(path.join(whole.dir, 'weights.safetensors')), tensors(path.join(whole.dir, 'best.safetensors')));
  });

  it('SIGINT after an epoch, then --resume: the same patience, best epoch, stop and weights', async () => {
    // Cut one epoch after the best: the patience counter part-way, four epochs (of 35 steps) to go, so the signal lands in time.
    const history = JSON.parse(fs.readFileSync(path.join(whole.dir, 'history.json'), 'utf8')) as { val_loss: number[] };
    const k = kerasStop(history.val_loss);
    const cut = k.best + 1;
    assert.ok(k.best < cut, `best epoch ${k.best} before the cut ${cut}`);
    const dir = path.join(work, 'interrupted');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'train-cli.ts'), 'train', modelFile, '--backend', 'reference', '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!sent && stdout.includes(`Epoch ${cut}/`)) { sent = true; child.kill('SIGINT'); }
    });
    assert.equal(await new Promise<number | null>((resolve) => child.on('close', resolve)), 130);
    // The signal stops the run at the next step; on a busy machine that may be an epoch or two
    // after the cut (older checkpoints are pruned), still before the stop: take the newest.
    const epochs = fs.readdirSync(path.join(dir, 'checkpoints')).flatMap((f) => /^epoch-(\d+)\.json$/.exec(f)?.[1] ?? []).map(Number);
    const last = Math.max(...epochs);
    assert.ok(last >= cut && last < k.stopped, `newest checkpoint epoch ${last}, cut at ${cut}, the run stops at ${k.stopped}`);
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoints', `epoch-${String(last).padStart(4, '0')}.json`), 'utf8')) as { earlyStopping: unknown };
    assert.deepEqual(record.earlyStopping, { wait: last - k.best, best: history.val_loss[k.best - 1], bestEpoch: k.best, stoppedEpoch: null });
    const r = await nnc('train', modelFile, '--backend', 'reference', '--resume', dir);
    assert.equal(r.code, 0, r.stderr);
    const lines = (s: string): string[] => s.split('\n').filter((l) => /early stopping|^Restored|^Test loss/.test(l));
    assert.deepEqual(lines(r.stdout), lines(whole.stdout));
    assert.deepEqual(fs.readFileSync(path.join(dir, 'weights.safetensors')), fs.readFileSync(path.join(whole.dir, 'weights.safetensors')));
    assert.deepEqual(fs.readFileSync(path.join(dir, 'best.safetensors')), fs.readFileSync(path.join(whole.dir, 'best.safetensors')));
  });

  it("refuses to monitor 'val_loss' without a validation set, in one line", async () => {
    const file = path.join(work, 'noval.ts');
    fs.writeFileSync(file, MODEL.replace('validationSplit: 0.3', 'validationSplit: 0'));
    const r = await nnc('train', file, '--backend', 'reference', '--out', path.join(work, 'noval'));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `nnc train: ${file}: earlyStopping monitors 'val_loss', but the run has no validation set (fit.validationSplit is 0); give a validationSplit or monitor 'loss'\n`);
  });
});
