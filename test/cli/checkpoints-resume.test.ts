// Checkpoints as a hostile user leaves them: the newest damaged (the previous valid one is
// used, saying why), a record edited to a huge batch size, a name with a 20-digit epoch, a
// temp file left by a kill during the final weights write; and SIGTERM, handled like Ctrl-C
// (issue 16, items 5 and 6).

import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { listCheckpoints } from '../../runtime/train/checkpoint';
import { nnc } from './train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';
import { oneLineNoStack } from './hostile-fixtures';

const record = (run: string, epoch: number): string => path.join(run, 'checkpoints', `epoch-${String(epoch).padStart(4, '0')}.json`);

function editRecord(file: string, edit: (r: { config: { batchSize: number } }) => void): void {
  const r = JSON.parse(fs.readFileSync(file, 'utf8')) as { config: { batchSize: number } };
  edit(r);
  fs.writeFileSync(file, JSON.stringify(r));
}

describe('nnc train: damaged checkpoints and signals', function () {
  this.timeout(180_000);
  let work: string;
  let model: string;
  let whole: Buffer;
  before(async () => {
    work = tempDir('nnc-ckpt-cli-');
    writeTinyIdx(path.join(work, 'data'));
    model = writeTinyModel(path.join(work, 'tiny.ts'), { epochs: 4 });
    const out = path.join(work, 'whole');
    assert.equal((await nnc('train', model, '--backend', 'reference', '--out', out)).code, 0);
    whole = fs.readFileSync(path.join(out, 'weights.safetensors'));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  async function runTo(name: string, epochs: number): Promise<string> {
    const out = path.join(work, name);
    const r = await nnc('train', model, '--backend', 'reference', '--out', out, '--epochs', String(epochs));
    assert.equal(r.code, 0, r.stderr);
    return out;
  }

  it('skips a damaged newest checkpoint for the previous one, says which and why, and still ends bit-identical', async () => {
    const run = await runTo('damaged', 3);
    const tensors = path.join(run, 'checkpoints', 'epoch-0003.safetensors');
    const bytes = fs.readFileSync(tensors);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(tensors, bytes);
    const r = await nnc('train', model, '--backend', 'reference', '--resume', run, '--epochs', '4');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `nnc train: skipped checkpoint ${record(run, 3)}: its tensors file epoch-0003.safetensors does not match the SHA-256 it records\n`
      + `nnc train: resuming from ${record(run, 2)}\n`);
    assert.match(r.stdout, /resuming after epoch 2/);
    assert.deepEqual(fs.readFileSync(path.join(run, 'weights.safetensors')), whole);
  });

  it('a record edited to a huge batch size: out of range it is skipped, in range it is refused in one line naming it', async () => {
    const run = await runTo('edited', 2);
    editRecord(record(run, 2), (r) => { r.config.batchSize = 1e15; });
    const skipped = await nnc('train', model, '--backend', 'reference', '--resume', run, '--epochs', '4');
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stderr, /epoch-0002\.json: config\.batchSize must be an integer from 1 to 2147483647\n/);
    const again = await runTo('edited-in-range', 2);
    editRecord(record(again, 2), (r) => { r.config.batchSize = 100_000_000; });
    const refused = await nnc('train', model, '--backend', 'reference', '--resume', again, '--epochs', '4');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /epoch-0002\.json: batchSize 100000000 is too large: the training program at batch size 100000000 needs [\d.]+ GiB/);
    oneLineNoStack(refused.stderr);
  });

  it('a checkpoint named with a 20-digit epoch is not one; every checkpoint damaged is one line', async () => {
    const run = await runTo('named', 2);
    fs.copyFileSync(record(run, 2), path.join(run, 'checkpoints', 'epoch-99999999999999999999.json'));
    assert.deepEqual(listCheckpoints(run), [1, 2]);
    const r = await nnc('train', model, '--backend', 'reference', '--resume', run, '--epochs', '4');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(path.join(run, 'weights.safetensors')), whole);
    assert.deepEqual(listCheckpoints(run), [3, 4]);
    for (const e of [3, 4]) fs.writeFileSync(record(run, e), '{"format":"nnc-checkpoint"');
    const none = await nnc('train', model, '--backend', 'reference', '--resume', run, '--epochs', '5');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /epoch-0004\.json: not valid JSON \(and the 1 older checkpoint cannot be used either\)\n$/);
    oneLineNoStack(none.stderr);
  });

  it('removes the temp file a kill during the final weights write left, when the folder is next used', async () => {
    const run = await runTo('killed', 2);
    const stale = [path.join(run, '.weights.safetensors.4242.0123456789ab.tmp'), path.join(run, 'checkpoints', '.epoch-0003.json.4242.abcdef012345.tmp')];
    for (const f of stale) fs.writeFileSync(f, 'half');
    const r = await nnc('train', model, '--backend', 'reference', '--resume', run, '--epochs', '3');
    assert.equal(r.code, 0, r.stderr);
    for (const f of stale) assert.ok(!fs.existsSync(f), `${f} is removed`);
  });

  it('SIGTERM: the epoch in progress discarded, the last checkpoint named, the resume command printed, exit 143', async () => {
    const long = writeTinyModel(path.join(work, 'long.ts'), { epochs: 5000 });
    const out = path.join(work, 'terminated');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'train-cli.ts'), 'train', long, '--backend', 'reference', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!sent && stdout.includes('Epoch 2/')) { sent = true; child.kill('SIGTERM'); }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 143, stderr);
    const done = listCheckpoints(out);
    const last = done[done.length - 1];
    const line = stderr.split('\n').find((l) => l.startsWith('Interrupted'));
    assert.equal(line, `Interrupted (SIGTERM) during epoch ${last + 1} (its steps are discarded); epoch ${last} is checkpointed in `
      + `${record(out, last)}. Resume with: nnc train ${long} --resume ${out}`);
    assert.ok(!fs.existsSync(path.join(out, '.nnc-lock')), 'the lock is released');
  });

  it('a second Ctrl-C quits at once and still releases the lock', async () => {
    const long = writeTinyModel(path.join(work, 'long2.ts'), { epochs: 5000 });
    const out = path.join(work, 'twice');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'train-cli.ts'), 'train', long, '--backend', 'reference', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!sent && stdout.includes('Epoch 1/')) { sent = true; child.kill('SIGINT'); child.kill('SIGINT'); }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130);
    assert.ok(!fs.existsSync(path.join(out, '.nnc-lock')), 'the lock is released');
  });
});
