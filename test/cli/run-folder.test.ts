// A run folder belongs to one run: two runs at once, one run after another in the same
// folder, a stale lock, and resuming with another seed or changed data (issue 16, item 1).

import { strict as assert } from 'assert';
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readSafetensors } from '../../runtime/io/safetensors';
import { listCheckpoints } from '../../runtime/train/checkpoint';
import { nnc } from './train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';
import { oneLineNoStack } from './hostile-fixtures';

const CLI = path.join(__dirname, 'train-cli.ts');

/** Starts `nnc train` in a child process; resolves once its stdout shows `marker`. */
function startTraining(args: string[], marker: string): { child: ChildProcess; started: Promise<void>; exit: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'train', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let seen: () => void = () => undefined;
  const started = new Promise<void>((resolve) => { seen = resolve; });
  child.stdout?.on('data', (c: Buffer) => { stdout += c.toString(); if (stdout.includes(marker)) seen(); });
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => { seen(); resolve({ code, stderr }); }));
  return { child, started, exit };
}

describe('nnc train: a run folder belongs to one run', function () {
  this.timeout(180_000);
  let work: string;
  let model: string;
  let long: string;
  before(() => {
    work = tempDir('nnc-runfolder-');
    writeTinyIdx(path.join(work, 'data'));
    model = writeTinyModel(path.join(work, 'tiny.ts'), { epochs: 3 });
    long = writeTinyModel(path.join(work, 'long.ts'), { epochs: 5000 });
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('refuses a second run in a folder another run is training in, and the first finishes intact', async () => {
    const out = path.join(work, 'shared');
    const first = startTraining([long, '--backend', 'reference', '--out', out], 'Epoch 2/');
    await first.started;
    try {
      for (const extra of [[], ['--force']]) {
        const second = await nnc('train', model, '--backend', 'reference', '--out', out, ...extra);
        assert.equal(second.code, 1, second.stdout);
        assert.match(second.stderr, new RegExp(`shared: in use by nnc train .*long\\.ts \\(pid ${first.child.pid} on ${os.hostname()}, since `));
        oneLineNoStack(second.stderr);
      }
      const resumed = await nnc('train', long, '--backend', 'reference', '--resume', out);
      assert.equal(resumed.code, 1);
      assert.match(resumed.stderr, /in use by/);
      first.child.kill('SIGINT');
      const { code, stderr } = await first.exit;
      assert.equal(code, 130, stderr);
    } finally {
      first.child.kill('SIGKILL');
    }
    // Every checkpoint left is the first run's (seed 1), complete, and the lock is gone.
    const epochs = listCheckpoints(out);
    assert.ok(epochs.length > 0);
    for (const e of epochs) {
      const record = JSON.parse(fs.readFileSync(path.join(out, 'checkpoints', `epoch-${String(e).padStart(4, '0')}.json`), 'utf8')) as { config: { seed: number } };
      assert.equal(record.config.seed, 1);
    }
    assert.ok(!fs.existsSync(path.join(out, '.nnc-lock')));
  });

  it('refuses to start a run in a folder holding another, and --force replaces it', async () => {
    const out = path.join(work, 'reuse');
    assert.equal((await nnc('train', model, '--backend', 'reference', '--out', out)).code, 0);
    const weights = fs.readFileSync(path.join(out, 'weights.safetensors'));
    const again = await nnc('train', model, '--backend', 'reference', '--out', out, '--epochs', '1', '--seed', '7');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /reuse: holds another run \(model tiny, seed 1, checkpointed up to epoch 3\); resume it with --resume .*reuse, replace it with --force, or choose another --out/);
    oneLineNoStack(again.stderr);
    assert.deepEqual(fs.readFileSync(path.join(out, 'weights.safetensors')), weights, 'the old run is untouched');
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const forced = await nnc('train', model, '--backend', 'reference', '--out', out, '--epochs', '1', '--seed', '7', '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(listCheckpoints(out), [1], 'no checkpoint of the old run is left');
    assert.equal(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8'), 'mine', '--force removes only nnc files');
    // The resume continues the seed-7 run, not the old seed-1 one.
    const resumed = await nnc('train', model, '--backend', 'reference', '--resume', out, '--epochs', '2');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /seed 7, reference backend, resuming after epoch 1/);
  });

  it('nnc compare refuses a folder holding a comparison, and --force replaces only its files', async () => {
    const out = path.join(work, 'comparison');
    assert.equal((await nnc('compare', model, model, '--backend', 'reference', '--epochs', '1', '--out', out)).code, 0);
    const again = await nnc('compare', model, model, '--backend', 'reference', '--epochs', '1', '--out', out);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /comparison: holds another run \(tiny\/, tiny-2\/, report\.html, .* and \d+ more\); replace it with --force, or choose another --out\n$/);
    fs.writeFileSync(path.join(out, 'tiny', 'notes.txt'), 'mine');
    const forced = await nnc('compare', model, model, '--backend', 'reference', '--epochs', '1', '--seed', '3', '--out', out, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(fs.readFileSync(path.join(out, 'tiny', 'notes.txt'), 'utf8'), 'mine');
    for (const sub of ['tiny', 'tiny-2']) {
      const run = JSON.parse(fs.readFileSync(path.join(out, sub, 'run.json'), 'utf8')) as { seed: number };
      assert.equal(run.seed, 3, `${sub} holds the new comparison's run`);
      assert.deepEqual(listCheckpoints(path.join(out, sub)), [1]);
    }
  });

  it('takes over a stale lock (its process is gone), saying so', async () => {
    const out = path.join(work, 'stale');
    fs.mkdirSync(out);
    const gone = spawn(process.execPath, ['-e', '0']);
    const pid = gone.pid as number;
    await new Promise((resolve) => gone.on('close', resolve));
    fs.writeFileSync(path.join(out, '.nnc-lock'), JSON.stringify({ pid, host: os.hostname(), started: '2020-01-01T00:00:00Z', command: 'nnc train old.ts' }));
    const r = await nnc('train', model, '--backend', 'reference', '--out', out, '--epochs', '1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`took over the stale lock of .*stale \\(nnc train old\\.ts, pid ${pid} on .*, is no longer running\\)`));
    assert.ok(!fs.existsSync(path.join(out, '.nnc-lock')));
    // A lock from another host cannot be checked: refused, with the way out.
    fs.writeFileSync(path.join(out, '.nnc-lock'), JSON.stringify({ pid: 1, host: 'elsewhere', started: 'then', command: 'nnc train x.ts' }));
    const other = await nnc('train', model, '--backend', 'reference', '--resume', out);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /in use by nnc train x\.ts \(pid 1 on elsewhere, since then\); if that run has ended, delete .*\.nnc-lock/);
  });

  it('refuses to resume with another seed or with changed data, in one line', async () => {
    const dataDir = path.join(work, 'data2');
    writeTinyIdx(dataDir);
    const out = path.join(work, 'identity');
    assert.equal((await nnc('train', model, '--backend', 'reference', '--out', out, '--epochs', '1', '--data', dataDir)).code, 0);
    const seed = await nnc('train', model, '--backend', 'reference', '--resume', out, '--seed', '2');
    assert.equal(seed.code, 1);
    assert.match(seed.stderr, /--seed 2 differs from the resumed run's 1/);
    const labels = path.join(dataDir, 'train-labels-idx1-ubyte');
    const bytes = fs.readFileSync(labels);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] + 1) % 10;
    fs.writeFileSync(labels, bytes);
    const changed = await nnc('train', model, '--backend', 'reference', '--resume', out, '--epochs', '2');
    assert.equal(changed.code, 1);
    assert.match(changed.stderr, /the train-labels file of .*data2 changed since the run started \(SHA-256 [0-9a-f]{12}\.\.\. then, [0-9a-f]{12}\.\.\. now\)/);
    oneLineNoStack(changed.stderr);
  });

  it('skips checkpoints of another run in the folder, saying which and why', async () => {
    const out = path.join(work, 'mixed');
    assert.equal((await nnc('train', model, '--backend', 'reference', '--out', out, '--epochs', '1')).code, 0);
    const stranger = path.join(work, 'stranger');
    assert.equal((await nnc('train', model, '--backend', 'reference', '--out', stranger, '--epochs', '2', '--seed', '9')).code, 0);
    for (const f of ['epoch-0002.json', 'epoch-0002.safetensors']) fs.copyFileSync(path.join(stranger, 'checkpoints', f), path.join(out, 'checkpoints', f));
    const r = await nnc('train', model, '--backend', 'reference', '--resume', out, '--epochs', '2');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /skipped checkpoint .*epoch-0002\.json: belongs to another run \(seed 9, not 1 as run\.json says\)/);
    assert.match(r.stdout, /seed 1, reference backend, resuming after epoch 1/);
    const whole = path.join(work, 'whole');
    assert.equal((await nnc('train', model, '--backend', 'reference', '--out', whole, '--epochs', '2')).code, 0);
    assert.deepEqual(readSafetensors(path.join(out, 'weights.safetensors')).tensors, readSafetensors(path.join(whole, 'weights.safetensors')).tensors);
  });
});
