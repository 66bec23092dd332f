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
import { checkpointedRun, RUN_CONFIG } from './checkpointed-run';

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
    assert.throws(() => resume(dir), /epoch-0001\.safetensors: does not match the SHA-256 recorded in epoch-0001\.json$/);
    assert.throws(() => resume(path.join(dir, 'nope')), /nope: folder not found$/);
    assert.throws(() => resume(tempDir()), /no checkpoint found/);
  });

  it('names the bad field of a damaged record', () => {
    assert.throws(() => parseCheckpointRecord('{"format":"nnc-checkpoint","version":1,"rngState":[1,2,3,4],"epoch":"3"}', 'x.json'), /^CheckpointError: x\.json: checkpoint\.epoch must be a number$/);
    assert.throws(() => parseCheckpointRecord('{"format":"other"}', 'x.json'), /not an nnc checkpoint/);
    assert.throws(() => parseCheckpointRecord('{"format', 'x.json'), /x\.json: not valid JSON/);
  });
});
