import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../../../runtime/io/atomic';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-atomic-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('writes strings and bytes, replacing the old contents, and leaves no temp file', () => {
    const file = path.join(dir, 'a.txt');
    writeFileAtomic(file, 'first');
    writeFileAtomic(file, Uint8Array.of(104, 105));
    assert.equal(fs.readFileSync(file, 'utf8'), 'hi');
    assert.deepEqual(fs.readdirSync(dir), ['a.txt']);
  });

  it('removes the temp file and keeps the old file when the rename fails', () => {
    const target = path.join(dir, 'occupied');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'x');
    // Renaming a file over a non-empty folder fails after the temp file was written.
    assert.throws(() => writeFileAtomic(target, 'data'), (err: unknown) => (err as NodeJS.ErrnoException).code !== undefined);
    assert.deepEqual(fs.readdirSync(dir), ['occupied']);
    assert.ok(fs.statSync(target).isDirectory());
  });

  it('fails cleanly when the folder does not exist', () => {
    assert.throws(() => writeFileAtomic(path.join(dir, 'missing', 'f'), 'x'), { code: 'ENOENT' });
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
