// Output paths that cannot be written fail at once in one line naming the path, never late,
// never with a stack trace, never hanging: a file in the way, a folder nobody may write,
// /proc, a dangling symlink, a model name too long, a disk that turns unwritable mid-run
// (issue 16, item 3).

import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { nnc } from './train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';
import { danglingLink, oneLineNoStack } from './hostile-fixtures';

describe('nnc: output paths', function () {
  this.timeout(120_000);
  let work: string;
  let tiny: string;
  before(() => {
    work = tempDir('nnc-out-');
    writeTinyIdx(path.join(work, 'data'));
    tiny = writeTinyModel(path.join(work, 'tiny.ts'), { epochs: 1 });
    fs.writeFileSync(path.join(work, 'afile'), 'x');
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('refuses --out through a file, under /proc or /sys, or on a dangling symlink, in one line, for train and build', async () => {
    const afile = path.join(work, 'afile');
    const link = danglingLink(path.join(work, 'dangling'));
    const cases: [string, RegExp][] = [
      [afile, /afile: exists and is not a folder/],
      [path.join(afile, 'sub'), /afile\/sub \(at .*afile\): exists and is not a folder/],
      ['/proc/nnc-out', /\/proc\/nnc-out: cannot create this folder: it cannot be created here/],
      ['/proc/nnc-out/deeper', /\/proc\/nnc-out\/deeper \(at \/proc\/nnc-out\): cannot create this folder/],
      [link, /dangling: a symbolic link to a missing target/],
    ];
    if (fs.existsSync('/sys/kernel')) cases.push(['/sys/nnc-out', /\/sys\/nnc-out: cannot create this folder: (operation not permitted|permission denied)/]);
    for (const [out, message] of cases) {
      const r = await nnc('train', tiny, '--backend', 'reference', '--out', out);
      assert.equal(r.code, 1, `train --out ${out}: ${r.stdout}`);
      assert.match(r.stderr, message);
      oneLineNoStack(r.stderr);
    }
    const built: [string, RegExp][] = [
      ['/proc/nnc-out/x.nnc', /\/proc\/nnc-out: cannot create this folder/],
      [path.join(afile, 'x.nnc'), /afile: exists and is not a folder/],
      [link, /dangling: a symbolic link to a missing target; remove it or choose another --out/],
    ];
    for (const [out, message] of built) {
      const r = await nnc('build', tiny, '--out', out);
      assert.equal(r.code, 1, `build --out ${out}`);
      assert.match(r.stderr, message);
      oneLineNoStack(r.stderr);
    }
  });

  it('refuses a folder it cannot write in (a read-only one), before loading data or compiling', async function () {
    // As root, permissions do not stop a write; /sys refuses everyone.
    const readOnly = process.getuid?.() === 0 ? '/sys/kernel' : fs.mkdtempSync(path.join(work, 'ro-'));
    if (readOnly !== '/sys/kernel') fs.chmodSync(readOnly, 0o555);
    else if (!fs.existsSync(readOnly)) this.skip();
    const r = await nnc('train', tiny, '--backend', 'reference', '--out', readOnly);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${readOnly}: cannot write in this folder: (permission denied|operation not permitted)`));
    oneLineNoStack(r.stderr);
  });

  it('a model name over 100 characters is a diagnostic at the name; a long folder name a one-line error', async () => {
    const long = path.join(work, 'long.ts');
    fs.writeFileSync(long, fs.readFileSync(tiny, 'utf8').replace("name: 'tiny'", `name: '${'x'.repeat(300)}'`));
    const r = await nnc('train', long, '--backend', 'reference', '--out', path.join(work, 'long-run'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /long\.ts:4:3: model: 'name' must be a name of at most 100 letters/);
    oneLineNoStack(r.stderr);
    const deep = await nnc('train', tiny, '--backend', 'reference', '--out', path.join(work, 'y'.repeat(300)));
    assert.equal(deep.code, 1);
    assert.match(deep.stderr, /y{300}: cannot create this folder: the name is too long/);
    oneLineNoStack(deep.stderr);
  });

  it('a run folder that becomes unwritable mid-run stops the run in one line, exit 1', async () => {
    const long = writeTinyModel(path.join(work, 'forever.ts'), { epochs: 5000 });
    const out = path.join(work, 'vanishing');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'train-cli.ts'), 'train', long, '--backend', 'reference', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let broken = false;
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!broken && stdout.includes('Epoch 2/')) {
        broken = true;
        // The checkpoint folder becomes a file: every later write there fails (ENOTDIR).
        fs.renameSync(path.join(out, 'checkpoints'), path.join(work, 'moved-away'));
        fs.writeFileSync(path.join(out, 'checkpoints'), 'in the way');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 1, stderr);
    // A write between the rename and the new file finds no folder at all: one line too.
    assert.match(stderr, /^nnc train: .*vanishing\/checkpoints\/epoch-\d+\.(safetensors|json): cannot write: (a part of the path is a file, not a folder|no such folder)\n$/);
    assert.ok(!fs.existsSync(path.join(out, '.nnc-lock')), 'the lock is released');
  });
});
