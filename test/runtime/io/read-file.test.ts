import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileReadError, readRegularFile } from '../../../runtime/io/read-file';

describe('readRegularFile', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-read-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const fails = (file: string, limit: number, problem: string): void => {
    assert.throws(() => readRegularFile(file, limit), (e: unknown) => e instanceof FileReadError && e.message === `${file}: ${problem}`);
  };

  it('reads a regular file, through a symlink too', () => {
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'hello');
    fs.symlinkSync(file, path.join(dir, 'link'));
    assert.equal(readRegularFile(path.join(dir, 'link'), 5).toString(), 'hello');
  });

  it('refuses, without reading, a FIFO, a device, a folder, a file over the limit, a missing file', () => {
    let fifo: string | null = path.join(dir, 'fifo');
    try { execFileSync('mkfifo', [fifo]); } catch { fifo = null; }
    if (fifo !== null) fails(fifo, 100, 'is a FIFO (named pipe), not a regular file');
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero'));
    fails(path.join(dir, 'zero'), 100, 'is a character device, not a regular file');
    fails(dir, 100, 'is a folder, not a file');
    fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(2048));
    fails(path.join(dir, 'big'), 1024, 'is 2 KiB, more than the 1 KiB nnc reads from such a file');
    fails(path.join(dir, 'none'), 100, 'file not found');
  });
});
