import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { makeDirs } from '../../../runtime/io/dirs';
import { OutputError } from '../../../runtime/io/output-errors';

describe('makeDirs', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-dirs-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes every missing folder and returns the first one it made', () => {
    const deep = path.join(dir, 'a', 'b', 'c');
    assert.equal(makeDirs(deep), path.join(dir, 'a'));
    assert.ok(fs.statSync(deep).isDirectory());
    assert.equal(makeDirs(deep), null, 'nothing to make the second time');
  });

  it('names the component at fault: a file in the way, a dangling symlink', () => {
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    const through = path.join(dir, 'file', 'sub');
    assert.throws(() => makeDirs(through), (e: unknown) => e instanceof OutputError && e.code === 'ENOTDIR'
      && e.message === `${through} (at ${path.join(dir, 'file')}): exists and is not a folder`);
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'link'));
    assert.throws(() => makeDirs(path.join(dir, 'link')), { message: `${path.join(dir, 'link')}: a symbolic link to a missing target (${path.join(dir, 'nowhere')})` });
  });

  it('fails at once, in one line, where folders cannot be made (/proc) or names are too long', function () {
    if (!fs.existsSync('/proc/self')) this.skip();
    assert.throws(() => makeDirs('/proc/nnc-test/a/b'), { message: '/proc/nnc-test/a/b (at /proc/nnc-test): cannot create this folder: it cannot be created here' });
    const long = path.join(dir, 'n'.repeat(300));
    assert.throws(() => makeDirs(long), { message: `${long}: cannot create this folder: the name is too long` });
  });

  it('refuses a path nested deeper than 128 folders', () => {
    const deep = path.join(dir, ...Array.from({ length: 130 }, () => 'd'));
    assert.throws(() => makeDirs(deep), /nested \d+ folders deep \(at most 128\)/);
    assert.deepEqual(fs.readdirSync(dir), [], 'and makes none of it');
  });
});
