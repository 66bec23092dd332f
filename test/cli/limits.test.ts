// Models and runs too large for WebAssembly's 4 GiB memory are refused before anything is
// allocated or generated, in one line naming the layer or the flag and the sizes; nnc build
// prints the memory estimate (issue 16, item 2).

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { nnc } from './train-cli';
import { oneLineNoStack, writeConvModel, writeWideModel, trainedTiny } from './hostile-fixtures';

describe('nnc: size limits', function () {
  this.timeout(120_000);
  let work: string;
  let tiny: string;
  let weights: string;
  before(async () => {
    ({ work, tiny, weights } = await trainedTiny('nnc-limits-'));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('a dense layer of 1e9 or 1e12 units, or 1e9 conv filters: a diagnostic at the layer, for every command', async () => {
    const cases: [string, RegExp][] = [
      [writeWideModel(path.join(work, 'd9.ts'), '1000000000'), /d9\.ts:8:5: layer 2 \(dense, dense_1\): parameter dense_1\.kernel \[16, 1000000000\] would hold 16,000,000,000 values \(59\.6 GiB\); a tensor holds at most 1,073,741,824 float32 values \(4 GiB/],
      [writeWideModel(path.join(work, 'd12.ts'), '1000000000000'), /d12\.ts:8:5: layer 2 \(dense, dense_1\): parameter dense_1\.kernel \[16, 1000000000000\] would hold 16,000,000,000,000 values \(58\.2 TiB\)/],
      [writeConvModel(path.join(work, 'c9.ts'), '1000000000'), /c9\.ts:7:5: layer 1 \(conv2d, conv2d_1\): parameter conv2d_1\.kernel \[3, 3, 1, 1000000000\] would hold 9,000,000,000 values/],
    ];
    for (const [file, message] of cases) {
      const out = path.join(work, 'never');
      for (const args of [['train', file, '--backend', 'reference', '--out', out], ['build', file, '--out', `${out}.nnc`], ['build', file, '--emit', 'plan'], ['build', file, '--emit', 'gpu']]) {
        const r = await nnc(...args);
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}`);
        assert.match(r.stderr, message, args.join(' '));
        oneLineNoStack(r.stderr);
      }
    }
  });

  it('a program over 4 GiB (8192 conv filters at batch 250): one line naming the program, the sizes and the largest layer', async () => {
    const conv = writeConvModel(path.join(work, 'c8k.ts'), '8192');
    const out = path.join(work, 'c8k.nnc');
    // 26 * 26 * 8192 values per example, 4 bytes each, 250 examples: 5,537,792,000 bytes = 5.16 GiB for one layer output.
    const message = /the training program at batch size 250 needs [\d.]+ GiB of memory, over the 4 GiB a WebAssembly program can address \(.*the largest layer output: conv2d_1's \[26, 26, 8192\] per example, 5\.16 GiB at this batch size\)/;
    for (const args of [['build', conv, '--out', out], ['train', conv, '--backend', 'reference', '--out', path.join(work, 'c8k-run')]]) {
      const r = await nnc(...args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, message);
      oneLineNoStack(r.stderr);
    }
    assert.ok(!fs.existsSync(out), 'nothing of the compiled model is written');
    assert.deepEqual(fs.readdirSync(work).filter((n) => n.startsWith('c8k.nnc')), []);
    // gpu.js indexes in float32: 32 * 26 * 26 * 8192 = 177,209,344 values is past its 2^24.
    const gpu = await nnc('build', conv, '--emit', 'gpu', '--batch', '32');
    assert.equal(gpu.code, 1);
    assert.match(gpu.stderr, /--batch 32 is too large: gpu\.js codegen: tensor \[32,26,26,8192\] has 177209344 elements, more than the 16777216 a float32 index reaches\n$/);
    oneLineNoStack(gpu.stderr);
  });

  it('a compiled model whose manifest asks for more than 4 GiB is refused before anything is allocated', async () => {
    const dir = path.join(work, 'tampered.nnc');
    assert.equal((await nnc('build', tiny, '--out', dir)).code, 0);
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { cpu: { pages: number }[] };
    manifest.cpu[0].pages = 65537;
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const r = await nnc('train', dir, '--out', path.join(work, 'tampered-run'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /tampered\.nnc: cpu\/train-32\.wasm asks for 65537 pages of memory; a WebAssembly program has 1 to 65536 \(4 GiB\)\n$/);
    oneLineNoStack(r.stderr);
  });

  it('--batch-size 100000000 in train and eval, --batch in build --emit: one line naming the flag', async () => {
    const train = await nnc('train', tiny, '--backend', 'reference', '--batch-size', '100000000', '--out', path.join(work, 'huge-batch'));
    assert.equal(train.code, 1);
    // 100000000 examples of 16 values, 4 bytes each: 5.96 GiB for the input alone.
    assert.match(train.stderr, /--batch-size 100000000 is too large: the training program at batch size 100000000 needs [\d.]+ GiB of memory, over the 4 GiB .*flatten_1's \[16\] per example, 5\.96 GiB at this batch size/);
    oneLineNoStack(train.stderr);
    assert.ok(!fs.existsSync(path.join(work, 'huge-batch')), 'the run folder it made is removed again');
    const evaluated = await nnc('eval', tiny, '--weights', weights, '--backend', 'reference', '--batch-size', '100000000');
    assert.equal(evaluated.code, 1);
    assert.match(evaluated.stderr, /--batch-size 100000000 is too large: the inference program at batch size 100000000 needs/);
    oneLineNoStack(evaluated.stderr);
    for (const stage of ['plan', 'cpu']) {
      const emitted = await nnc('build', tiny, '--emit', stage, '--batch', '100000000');
      assert.equal(emitted.code, 1);
      assert.match(emitted.stderr, /--batch 100000000 is too large: the program at batch size 100000000 needs [\d.]+ GiB of memory/);
    }
  });

  it('nnc build prints the memory estimate with its summary', async () => {
    const r = await nnc('build', tiny, '--out', path.join(work, 'tiny.nnc'));
    assert.equal(r.code, 0, r.stderr);
    // 346 float32 parameters = 1384 bytes = 1.35 KiB; with gradients and Adam's m and v, 4 copies: 5.41 KiB.
    assert.match(r.stdout, /^Parameters: 1\.35 KiB \(float32\); with gradients and 2 optimizer slots per value \(adam\): 5\.41 KiB$/m);
    assert.match(r.stdout, /^CPU program memory \(each at most 4 GiB\): train 32: [\d.]+ KiB, infer 32: [\d.]+ KiB, .*infer 1: [\d.]+ KiB$/m);
  });
});
