import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { nnc } from './train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';

const testLine = (stdout: string): string => {
  const line = stdout.split('\n').find((l) => l.startsWith('Test loss: '));
  assert.ok(line !== undefined, stdout);
  return line;
};

describe('nnc eval', function () {
  this.timeout(120_000);
  let work: string;
  after(() => fs.rmSync(work, { recursive: true, force: true }));
  let modelFile: string;
  let run: string;
  let trainedTestLine: string;
  before(async () => {
    work = tempDir();
    writeTinyIdx(path.join(work, 'data'));
    modelFile = writeTinyModel(path.join(work, 'tiny.ts'), { epochs: 3 });
    run = path.join(work, 'run');
    const r = await nnc('train', modelFile, '--backend', 'reference', '--out', run);
    assert.equal(r.code, 0, r.stderr);
    trainedTestLine = testLine(r.stdout);
  });

  it('reproduces the test result nnc train printed, from the weights or from the last checkpoint', async () => {
    for (const weights of [path.join(run, 'weights.safetensors'), path.join(run, 'checkpoints', 'epoch-0003.safetensors')]) {
      const r = await nnc('eval', modelFile, '--weights', weights, '--backend', 'reference');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(testLine(r.stdout), trainedTestLine);
    }
  });

  it('names the first tensor that does not fit the model, in one line', async () => {
    const wider = writeTinyModel(path.join(work, 'wider.ts'), { epochs: 3 });
    fs.writeFileSync(wider, fs.readFileSync(wider, 'utf8').replace('units: 12', 'units: 13'));
    const r = await nnc('eval', wider, '--weights', path.join(run, 'weights.safetensors'), '--backend', 'reference');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /weights\.safetensors: tensor "[^"]+" has shape \[16, 12\] but the model expects \[16, 13\]\n$/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  it('reports a missing --weights, a missing file and a file that is not safetensors', async () => {
    const cases: [string[], RegExp][] = [
      [[modelFile], /--weights <file> is required/],
      [[modelFile, '--weights', path.join(work, 'none.safetensors'), '--backend', 'reference'], /none\.safetensors: file not found/],
      [[modelFile, '--weights', modelFile, '--backend', 'reference'], /tiny\.ts: not a valid safetensors file/],
      [[modelFile, '--weights', 'w', '--batch-size', '0'], /--batch-size must be an integer from 1 to 2147483647/],
    ];
    for (const [args, message] of cases) {
      const r = await nnc('eval', ...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
