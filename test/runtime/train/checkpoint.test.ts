import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TrainingState } from '../../../runtime/engine';
import { CheckpointWriter, listCheckpoints, resume } from '../../../runtime/train/checkpoint';
import { readSafetensors } from '../../../runtime/io/safetensors';
import { parseCheckpointRecord } from '../../../runtime/train/checkpoint-record';
import { TrainingInterrupted } from '../../../runtime/train/errors';
import { checkpointedRun, fitOptions, newEngine, runData, RUN_CONFIG } from './checkpointed-run';
import { fit } from '../../../runtime/train/fit';

const tensorsOf = (s: TrainingState): Float32Array[] => [...s.params, ...s.slots].map((t) => t.data);
const made: string[] = [];
const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-ckpt-'));
  made.push(dir);
  return dir;
};

/** Every file left in a checkpoint folder is a complete record or a complete tensors file. */
function assertOnlyCompleteFiles(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (name.endsWith('.json')) parseCheckpointRecord(fs.readFileSync(file, 'utf8'), file);
    else if (name.endsWith('.safetensors')) readSafetensors(file);
    else assert.fail(`unexpected file ${name}`);
  }
}

describe('checkpoints', () => {
  after(() => { for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true }); });
  let uninterrupted: { state: TrainingState; losses: number[] };
  before(async () => {
    const { engine, history } = await checkpointedRun(tempDir(), false);
    uninterrupted = { state: engine.getState(), losses: history.epochs.map((e) => e.loss) };
  });

  it('round-trips the state, RNG, history and config of the last epoch', async () => {
    const dir = tempDir();
    let rngState: readonly number[] = [];
    const { engine, history } = await checkpointedRun(dir, false, { epochs: 3, onEpochEnd: (end) => { rngState = end.rngState; } });
    const ck = resume(dir);
    assert.equal(ck.epoch, 3);
    assert.deepEqual(tensorsOf(ck.state), tensorsOf(engine.getState()));
    assert.equal(ck.state.step, engine.getState().step);
    assert.deepEqual(ck.rngState, rngState);
    assert.deepEqual(ck.history, history);
    assert.deepEqual(ck.config, RUN_CONFIG);
    assert.deepEqual(listCheckpoints(dir), [2, 3], 'keeps the newest two');
    assertOnlyCompleteFiles(dir);
  });

  it('an interrupted run, resumed, ends bit-identical to an uninterrupted one', async () => {
    const dir = tempDir();
    const controller = new AbortController();
    await assert.rejects(checkpointedRun(dir, false, {
      signal: controller.signal,
      onBatch: ({ epoch, step }) => { if (epoch === 4 && step === 3) controller.abort(); },
    }), TrainingInterrupted);
    assert.equal(resume(dir).epoch, 3);
    const { engine, history } = await checkpointedRun(dir, true);
    assert.deepEqual(tensorsOf(engine.getState()), tensorsOf(uninterrupted.state));
    assert.equal(engine.getState().step, uninterrupted.state.step);
    assert.deepEqual(history.epochs.map((e) => e.loss), uninterrupted.losses);
  });

  it('ignores what a kill between writes leaves behind, and cleans it up', async () => {
    const dir = tempDir();
    await checkpointedRun(dir, false, { epochs: 3 });
    fs.writeFileSync(path.join(dir, 'epoch-0004.safetensors'), Buffer.alloc(100, 7));
    fs.writeFileSync(path.join(dir, '.epoch-0004.json.123.abcdef.tmp'), '{"format": "nnc-chec');
    assert.equal(resume(dir).epoch, 3);
    new CheckpointWriter(dir, { modelFile: 'm.ts', modelSha256: '', config: RUN_CONFIG });
    assert.ok(!fs.readdirSync(dir).some((n) => n.endsWith('.tmp')));
    const { engine } = await checkpointedRun(dir, true);
    assert.deepEqual(tensorsOf(engine.getState()), tensorsOf(uninterrupted.state));
    assertOnlyCompleteFiles(dir);
  });

  it('survives kill -9 at a random moment: at most the current epoch is lost', async function () {
    this.timeout(120_000);
    const dir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'train-child.ts'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('epoch 3\n')) setTimeout(() => { child.kill('SIGKILL'); resolve(); }, Math.random() * 15);
        });
        child.on('exit', (code) => reject(new Error(`child exited by itself with ${code}`)));
      });
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('close', resolve));
    const leftovers = fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));
    leftovers.forEach((n) => fs.rmSync(path.join(dir, n)));
    assertOnlyCompleteFiles(dir);
    assert.ok(resume(dir).epoch >= 3);
    const { engine } = await checkpointedRun(dir, true);
    assert.deepEqual(tensorsOf(engine.getState()), tensorsOf(uninterrupted.state));
  });

  it('refuses tensors that do not match the record, a missing folder, and an empty one, in one line', async () => {
    const dir = tempDir();
    await checkpointedRun(dir, false, { epochs: 1 });
    const tensors = path.join(dir, 'epoch-0001.safetensors');
    const bytes = fs.readFileSync(tensors);
    bytes[bytes.length - 1] ^= 1;
    fs.writeFileSync(tensors, bytes);
    assert.throws(() => resume(dir), /epoch-0001\.json: its tensors file epoch-0001\.safetensors does not match the SHA-256 it records$/);
    assert.throws(() => resume(path.join(dir, 'nope')), /nope: folder not found$/);
    assert.throws(() => resume(tempDir()), /no checkpoint found/);
  });

  it('records the data hashes; resume skips a damaged newest checkpoint, or one the filter rejects, saying why', async () => {
    const dir = tempDir();
    const hashes = { 'train-images': 'a'.repeat(64), 'train-labels': 'b'.repeat(64) };
    const writer = new CheckpointWriter(dir, { modelFile: 'm.ts', modelSha256: 'f'.repeat(64), config: RUN_CONFIG, dataSha256: hashes }, 3);
    const engine = newEngine();
    await fit(engine, runData, fitOptions({ epochs: 3, onEpochEnd: (end) => { writer.write(engine.getState(), end); } }));
    assert.deepEqual(resume(dir).dataSha256, hashes);
    fs.writeFileSync(path.join(dir, 'epoch-0003.json'), '{"format":"nnc-checkpoint","version":1}');
    const ck = resume(dir);
    assert.equal(ck.epoch, 2);
    assert.deepEqual(ck.skipped, [{ file: path.join(dir, 'epoch-0003.json'), reason: 'checkpoint.rngState must be an array' }]);
    const filtered = resume(dir, (r) => (r.epoch === 2 ? 'not this run' : null));
    assert.equal(filtered.epoch, 1);
    assert.deepEqual(filtered.skipped.map((k) => k.reason), ['checkpoint.rngState must be an array', 'not this run']);
    assert.throws(() => resume(dir, () => 'never'), { message: `${path.join(dir, 'epoch-0003.json')}: checkpoint.rngState must be an array (and the 2 older checkpoints cannot be used either)` });
  });

  it('refuses records edited out of range: an RNG word past u32, an epoch past config.epochs, a batch size past 2^31-1', async () => {
    const dir = tempDir();
    await checkpointedRun(dir, false, { epochs: 1 });
    const text = fs.readFileSync(path.join(dir, 'epoch-0001.json'), 'utf8');
    const edit = (f: (r: { rngState: number[]; epoch: number; config: { batchSize: number } }) => void): string => {
      const r = JSON.parse(text) as { rngState: number[]; epoch: number; config: { batchSize: number } };
      f(r);
      return JSON.stringify(r);
    };
    assert.throws(() => parseCheckpointRecord(edit((r) => { r.rngState[0] = 2 ** 32; }), 'x.json'), { message: 'x.json: rngState must hold 4 integers from 0 to 4294967295' });
    assert.throws(() => parseCheckpointRecord(edit((r) => { r.epoch = 9; }), 'x.json'), { message: 'x.json: checkpoint.epoch 9 is beyond config.epochs 8' });
    assert.throws(() => parseCheckpointRecord(edit((r) => { r.config.batchSize = 1e15; }), 'x.json'), { message: 'x.json: config.batchSize must be an integer from 1 to 2147483647' });
  });

  it('names the bad field of a damaged record', () => {
    assert.throws(() => parseCheckpointRecord('{"format":"nnc-checkpoint","version":1,"rngState":[1,2,3,4],"epoch":"3"}', 'x.json'), /^CheckpointError: x\.json: checkpoint\.epoch must be an integer from 1 to 1000000$/);
    assert.throws(() => parseCheckpointRecord('{"format":"other"}', 'x.json'), /not an nnc checkpoint/);
    assert.throws(() => parseCheckpointRecord('{"format', 'x.json'), /x\.json: not valid JSON/);
  });
});
