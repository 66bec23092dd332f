import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LockHeldError, acquireLock, readOwner } from '../../../runtime/io/lock';
import { OutputError } from '../../../runtime/io/output-errors';

/** A pid no process has: one that just exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid as number;
  await new Promise((resolve) => child.on('close', resolve));
  return pid;
}

describe('acquireLock', () => {
  let dir: string;
  let lock: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-lock-'));
    lock = path.join(dir, '.nnc-lock');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the owner, refuses a second holder while held, and is gone once released', () => {
    const held = acquireLock(lock, 'nnc train a.ts');
    const owner = readOwner(lock);
    assert.equal(owner?.pid, process.pid);
    assert.equal(owner?.host, os.hostname());
    assert.equal(owner?.command, 'nnc train a.ts');
    assert.throws(() => acquireLock(lock, 'nnc train b.ts'), (e: unknown) => e instanceof LockHeldError
      && e.message === `${dir}: in use by nnc train a.ts (pid ${process.pid} on ${os.hostname()}, since ${owner?.started}); if that run has ended, delete ${lock}`);
    held.release();
    assert.ok(!fs.existsSync(lock));
    acquireLock(lock, 'nnc train b.ts').release();
    assert.deepEqual(fs.readdirSync(dir), [], 'no temp file is left either');
  });

  it('takes over the lock of a process that is gone, and a damaged lock file', async () => {
    const pid = await deadPid();
    fs.writeFileSync(lock, JSON.stringify({ pid, host: os.hostname(), started: 'then', command: 'old' }));
    const held = acquireLock(lock, 'new');
    assert.equal(held.replaced?.pid, pid);
    assert.equal(readOwner(lock)?.pid, process.pid);
    held.release();
    fs.writeFileSync(lock, '{"pid":');
    const again = acquireLock(lock, 'new');
    assert.equal(again.replaced?.command, '(unreadable lock file)');
    again.release();
  });

  it('refuses a lock from another host (its process cannot be checked), naming the file to delete', () => {
    fs.writeFileSync(lock, JSON.stringify({ pid: 1, host: 'elsewhere', started: 'then', command: 'nnc train x.ts' }));
    assert.throws(() => acquireLock(lock, 'new'), { message: `${dir}: in use by nnc train x.ts (pid 1 on elsewhere, since then); if that run has ended, delete ${lock}` });
  });

  it('does not remove a lock another process took after this one was released', () => {
    const held = acquireLock(lock, 'a');
    fs.writeFileSync(lock, JSON.stringify({ pid: 1, host: 'elsewhere', started: 'now', command: 'b' }));
    held.release();
    assert.equal(readOwner(lock)?.host, 'elsewhere');
  });

  it('says in one line when the folder cannot be written', () => {
    assert.throws(() => acquireLock(path.join(dir, 'missing', '.nnc-lock'), 'x'),
      (e: unknown) => e instanceof OutputError && e.message === `${path.join(dir, 'missing')}: cannot write in this folder: no such folder`);
  });
});
