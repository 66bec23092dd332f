import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensors } from '../../runtime/io/safetensors';
import { listCheckpoints } from '../../runtime/train/checkpoint';
import { type CliResult, nnc } from './train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';

const oneLine = (text: string): void => {
  assert.equal(text.trim().split('\n').length, 1, `expected one line, got:\n${text}`);
  assert.ok(!/\n\s+at /.test(text), 'no stack trace');
};

describe('nnc train', function () {
  this.timeout(120_000);
  let work: string;
  after(() => fs.rmSync(work, { recursive: true, force: true }));
  let modelFile: string;
  /** One uninterrupted run of the tiny model, which the resume tests compare with. */
  let whole: { out: string; r: CliResult };
  before(async () => {
    work = tempDir();
    writeTinyIdx(path.join(work, 'data'));
    modelFile = writeTinyModel(path.join(work, 'tiny.ts'), { epochs: 6 });
    const out = path.join(work, 'whole');
    whole = { out, r: await nnc('train', modelFile, '--backend', 'reference', '--out', out) };
  });

  it('trains a model file end to end and writes weights, history, report and checkpoints', () => {
    const { out, r } = whole;
    assert.equal(r.code, 0, r.stderr);
    const m = /Test loss: (\S+) \/ Test accuracy: (\S+)/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.ok(Number(m[2]) >= 0.8, `test accuracy ${m[2]}`);
    assert.ok(Number(m[1]) < 1.5, `test loss ${m[1]} (chance is ln 10 = 2.3)`);
    assert.match(r.stdout, /Epoch 6\/6 - [\d.]+s - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+/);
    const history = JSON.parse(fs.readFileSync(path.join(out, 'history.json'), 'utf8')) as Record<string, unknown[]>;
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'seconds_per_epoch']) assert.equal(history[key]?.length, 6, key);
    assert.ok((history.loss[5] as number) < (history.loss[0] as number));
    const names = readSafetensors(path.join(out, 'weights.safetensors')).tensors.map((t) => t.name);
    assert.equal(names.length, 5, names.join(', '));
    assert.ok(fs.existsSync(path.join(out, 'report.html')));
    assert.deepEqual(listCheckpoints(out), [5, 6]);
  });

  it('resumed, ends with the same weights as one uninterrupted run', async () => {
    const split = path.join(work, 'split');
    assert.equal((await nnc('train', modelFile, '--backend', 'reference', '--out', split, '--epochs', '2')).code, 0);
    const r = await nnc('train', modelFile, '--backend', 'reference', '--resume', split, '--epochs', '6');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /resuming after epoch 2/);
    assert.ok(!r.stdout.includes('Epoch 2/6'));
    assert.deepEqual(fs.readFileSync(path.join(split, 'weights.safetensors')), fs.readFileSync(path.join(whole.out, 'weights.safetensors')));
  });

  it('stops on Ctrl-C with every checkpoint complete, and resumes to the uninterrupted weights', async () => {
    const long = writeTinyModel(path.join(work, 'long.ts'), { epochs: 2000 });
    const out = path.join(work, 'interrupted');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'train-cli.ts'), 'train', long, '--backend', 'reference', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      // One Ctrl-C: a second one (on a later chunk of output) means "quit now", by design.
      if (!interrupted && stdout.includes('Epoch 3/')) { interrupted = true; child.kill('SIGINT'); }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /Interrupted \(SIGINT\) during epoch \d+ .*Resume with: nnc train .* --resume /);
    oneLine(stderr.split('\n').filter((l) => l.startsWith('Interrupted')).join('\n'));
    const done = listCheckpoints(out);
    assert.ok(done.length > 0 && done[done.length - 1] >= 3);
    const epochs = String(done[done.length - 1] + 2);
    assert.equal((await nnc('train', long, '--backend', 'reference', '--resume', out, '--epochs', epochs)).code, 0);
    const uninterrupted = path.join(work, 'long-whole');
    assert.equal((await nnc('train', long, '--backend', 'reference', '--out', uninterrupted, '--epochs', epochs)).code, 0);
    assert.deepEqual(fs.readFileSync(path.join(out, 'weights.safetensors')), fs.readFileSync(path.join(uninterrupted, 'weights.safetensors')));
  });

  it('reports argument mistakes in one line with exit code 1', async () => {
    const cases: [string[], RegExp][] = [
      [[], /expected one model file, got none/],
      [[modelFile, '--epochs', '0'], /--epochs must be an integer from 1 to 1000000, got '0'/],
      [[modelFile, '--batch-size', 'big'], /--batch-size must be an integer from 1 to 2147483647, got 'big'/],
      [[modelFile, '--backend', 'tpu'], /--backend must be one of cpu, gpu, reference, got 'tpu'/],
      [[modelFile, '--threads', '0'], /--threads must be an integer from 1 to 1024, got '0'/],
      [[modelFile, '--frobnicate'], /Unknown option '--frobnicate'/],
      [[modelFile, '--out', 'a', '--resume', 'b'], /--out and --resume do not combine/],
      [[modelFile, '--backend', 'reference', '--data', path.join(work, 'nowhere')], /nowhere: data folder not found/],
      [[modelFile, '--backend', 'reference', '--resume', path.join(work, 'nowhere')], /nowhere: folder not found/],
      [[path.join(work, 'missing.ts')], /missing\.ts.*no such file/],
    ];
    for (const [args, message] of cases) {
      const r = await nnc('train', ...args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, message);
      oneLine(r.stderr);
    }
  });

  it('trains to the same weights on the CPU backend with one thread or two', async () => {
    // Reductions are summed in shards fixed by the compiler, not by the thread count, so a
    // run (or a resumed one) ends with the same bits on any machine.
    const weights = async (threads: string): Promise<Buffer> => {
      const out = path.join(work, `threads-${threads}`);
      const r = await nnc('train', modelFile, '--threads', threads, '--epochs', '2', '--out', out);
      assert.equal(r.code, 0, r.stderr);
      return fs.readFileSync(path.join(out, 'weights.safetensors'));
    };
    assert.ok((await weights('1')).equals(await weights('2')), 'weights differ between 1 and 2 threads');
  });

  it('refuses to resume with another model file or other hyperparameters', async () => {
    const run = path.join(work, 'short');
    assert.equal((await nnc('train', modelFile, '--backend', 'reference', '--out', run, '--epochs', '1')).code, 0);
    const other = writeTinyModel(path.join(work, 'other.ts'), { epochs: 6, alpha: 0.5 });
    const changed = await nnc('train', other, '--backend', 'reference', '--resume', run);
    assert.equal(changed.code, 1);
    assert.match(changed.stderr, /other\.ts is not the model the checkpoint .* was trained from/);
    oneLine(changed.stderr);
    const batch = await nnc('train', modelFile, '--backend', 'reference', '--resume', run, '--batch-size', '8');
    assert.equal(batch.code, 1);
    assert.match(batch.stderr, /--batch-size 8 differs from the resumed run's 32/);
  });

  it('prints compile diagnostics like nnc build and exits 1', async () => {
    const bad = path.join(work, 'bad.ts');
    fs.writeFileSync(bad, fs.readFileSync(modelFile, 'utf8').replace("dense({ units: 12 })", "dense({ units: -3 })"));
    const r = await nnc('train', bad);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.ts:\d+:\d+: /);
  });
});
