// nnc build writes a compiled model that train, eval and predict run without the compiler:
// the same results as the model file compiled in memory, and one-line errors for bad input.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nnc } from './train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';
import type { Manifest } from '../../format/manifest';

const ROOT = path.resolve(__dirname, '..', '..');
const testLine = (stdout: string): string => stdout.split('\n').find((l) => l.startsWith('Test loss: ')) ?? `no test line in: ${stdout}`;
const oneLine = (r: { code: number; stderr: string }, pattern: RegExp): void => {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
};

describe('compiled models (nnc build, then train / eval / predict)', function () {
  this.timeout(180_000);
  let work: string;
  let modelFile: string;
  let compiled: string;
  let fromSource: { stdout: string; weights: Buffer };
  before(async () => {
    work = tempDir();
    writeTinyIdx(path.join(work, 'data'));
    modelFile = writeTinyModel(path.join(work, 'tiny.ts'), { epochs: 2 });
    compiled = path.join(work, 'out', 'tiny.nnc');
    const b = await nnc('build', modelFile, '--out', compiled);
    assert.equal(b.code, 0, b.stderr);
    const r = await nnc('train', modelFile, '--out', path.join(work, 'run-source'), '--threads', '2');
    assert.equal(r.code, 0, r.stderr);
    fromSource = { stdout: r.stdout, weights: fs.readFileSync(path.join(work, 'run-source', 'weights.safetensors')) };
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('writes a manifest, a .wasm module per CPU program and gpu.js kernel sources', () => {
    const m = JSON.parse(fs.readFileSync(path.join(compiled, 'manifest.json'), 'utf8')) as Manifest;
    assert.equal(m.format, 'nnc-compiled-model');
    assert.equal(m.name, 'tiny');
    assert.equal(m.source.sha256, require('node:crypto').createHash('sha256').update(fs.readFileSync(modelFile)).digest('hex'));
    assert.deepEqual(m.params.map((p) => p.name), ['dense_1.kernel', 'dense_1.bias', 'prelu_1.alpha', 'dense_2.kernel', 'dense_2.bias']);
    // 200 training examples: 160 train (5 batches of 32), 40 validation (32 + 8), 60 test (32 + 28).
    assert.deepEqual(m.cpu.map((p) => `${p.mode} ${p.batch}`), ['train 32', 'infer 32', 'infer 28', 'infer 8', 'infer 1']);
    for (const p of m.cpu) assert.ok(WebAssembly.validate(fs.readFileSync(path.join(compiled, p.file))), p.file);
    assert.deepEqual(m.gpu.map((p) => `${p.mode} ${p.batch}`), m.cpu.map((p) => `${p.mode} ${p.batch}`));
    for (const p of m.gpu) assert.ok(JSON.parse(fs.readFileSync(path.join(compiled, p.file), 'utf8')).length > 0, p.file);
    assert.equal(m.data.kind === 'idx' && path.resolve(compiled, m.data.dir), path.join(work, 'data'));
  });

  it('trains from the compiled model to the same weights, bit for bit, as from the model file', async () => {
    const r = await nnc('train', compiled, '--out', path.join(work, 'run-compiled'), '--threads', '1');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(testLine(r.stdout), testLine(fromSource.stdout));
    assert.ok(fs.readFileSync(path.join(work, 'run-compiled', 'weights.safetensors')).equals(fromSource.weights));
  });

  it('evaluates and predicts with trained weights; predict agrees with eval', async () => {
    const weights = path.join(work, 'run-source', 'weights.safetensors');
    const e = await nnc('eval', compiled, '--weights', weights);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(testLine(e.stdout), testLine(fromSource.stdout));
    const images = path.join(work, 'data', 't10k-images-idx3-ubyte');
    const p = await nnc('predict', compiled, '--weights', weights, '--input', images, '--json');
    assert.equal(p.code, 0, p.stderr);
    const rows = p.stdout.trim().split('\n').map((l) => JSON.parse(l) as { index: number; class: number; probabilities: number[] });
    assert.equal(rows.length, 60);
    for (const row of rows) {
      assert.equal(row.probabilities.length, 10);
      assert.ok(Math.abs(row.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      assert.equal(row.class, row.probabilities.indexOf(Math.max(...row.probabilities)));
    }
    const labels = fs.readFileSync(path.join(work, 'data', 't10k-labels-idx1-ubyte')).subarray(8);
    const accuracy = rows.filter((r) => r.class === labels[r.index]).length / rows.length;
    assert.match(testLine(e.stdout), new RegExp(`Test accuracy: ${accuracy}$`));
    const plain = await nnc('predict', modelFile, '--weights', weights, '--input', images);
    assert.deepEqual(plain.stdout.trim().split('\n').map((l) => Number(l.split('\t')[1])), rows.map((r) => r.class));
  });

  it('runs a compiled model without loading ts-morph, typescript or wabt', () => {
    const hook = path.join(work, 'no-compiler.js');
    fs.writeFileSync(hook, `const Module = require('module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^(ts-morph|typescript|wabt)(\\/|$)/.test(request)) throw new Error('loaded the compiler: ' + request);
  return load.call(this, request, ...rest);
};
`);
    const weights = path.join(work, 'run-source', 'weights.safetensors');
    const run = (model: string) => spawnSync(process.execPath, ['-r', 'tsx/cjs', '-r', hook, path.join(ROOT, 'test/cli/train-cli.ts'), 'eval', model, '--weights', weights], { cwd: ROOT, encoding: 'utf8' });
    const ok = run(compiled);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(testLine(ok.stdout), testLine(fromSource.stdout));
    const source = run(modelFile);
    assert.notEqual(source.status, 0, 'the hook lets the compiler load: the check above proves nothing');
    assert.match(source.stderr, /loaded the compiler: (ts-morph|typescript|wabt)/);
  });

  describe('bad input: one line, exit 1', () => {
    it('a batch size the compiled model has no training program for, before any training', async () => {
      oneLine(await nnc('train', compiled, '--batch-size', '20', '--out', path.join(work, 'run-20')), /tiny\.nnc has no training program for batch size 20 \(it has 32\)/);
      assert.equal(fs.existsSync(path.join(work, 'run-20', 'weights.safetensors')), false);
    });

    it('predict: a missing input file, images of another size, weights of another model', async () => {
      const weights = path.join(work, 'run-source', 'weights.safetensors');
      oneLine(await nnc('predict', compiled, '--weights', weights, '--input', path.join(work, 'nope')), /nope/);
      const big = path.join(work, 'big-idx3-ubyte');
      const header = Buffer.alloc(16);
      header.writeUInt32BE(0x803, 0); header.writeUInt32BE(2, 4); header.writeUInt32BE(5, 8); header.writeUInt32BE(5, 12);
      fs.writeFileSync(big, Buffer.concat([header, Buffer.alloc(50)]));
      oneLine(await nnc('predict', compiled, '--weights', weights, '--input', big), /big-idx3-ubyte.*\[4, 4, 1\].*\[5, 5, 1\]/);
      const other = writeTinyModel(path.join(work, 'other.ts'), { name: 'other', activation: 'relu' });
      const r = await nnc('train', other, '--epochs', '1', '--out', path.join(work, 'run-other'));
      assert.equal(r.code, 0, r.stderr);
      oneLine(await nnc('predict', compiled, '--weights', path.join(work, 'run-other', 'weights.safetensors'), '--input', path.join(work, 'data', 't10k-images-idx3-ubyte')), /run-other.*weights\.safetensors/);
    });

    it('a damaged compiled model: a missing program file, a manifest of another format version', async () => {
      const broken = path.join(work, 'broken.nnc');
      fs.cpSync(compiled, broken, { recursive: true });
      fs.rmSync(path.join(broken, 'cpu', 'infer-1.wasm'));
      oneLine(await nnc('eval', broken, '--weights', path.join(work, 'run-source', 'weights.safetensors')), /infer-1\.wasm: no such file/);
      fs.cpSync(compiled, broken, { recursive: true });
      const manifest = path.join(broken, 'manifest.json');
      fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace('"version": 2', '"version": 99'));
      oneLine(await nnc('eval', broken, '--weights', path.join(work, 'run-source', 'weights.safetensors')), /format version 99; this runtime reads version 2/);
    });
  });
});
