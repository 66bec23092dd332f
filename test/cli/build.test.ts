import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emitters } from '../../cli/emit';
import { printGraph } from '../../compiler/ir/printer';
import { compiledModel, modelFile } from '../compiler/lower/seed-models';
import { nnc } from './train-cli';

const SEED = modelFile('mnist-prelu');

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'nnc-build-'));
}

/** A file in a fresh temp folder, with `source` as its text. */
function modelSource(name: string, source: string): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, source);
  return file;
}

const NO_STACK = /^\s+at /m;

describe('nnc build', () => {
  it('prints the Keras-style summary with the totals', async () => {
    const r = await nnc('build', SEED, '--out', path.join(tempDir(), 'seed.nnc'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Model: "mnist-prelu"\n/);
    assert.match(r.stdout, /^conv2d_1 \(Conv2D\) +\(None, 26, 26, 32\) +320$/m);
    assert.match(r.stdout, /^prelu_1 \(PReLU\) +\(None, 26, 26, 32\) +21,632$/m);
    assert.match(r.stdout, /^dense_1 \(Dense\) +\(None, 256\) +409,856$/m);
    assert.match(r.stdout, /^Total params: 460,874$/m);
    assert.match(r.stdout, /^Trainable params: 460,874$/m);
    assert.match(r.stdout, /^Non-trainable params: 0$/m);
  });

  it('gives the ReLU twin 431,242 parameters', async () => {
    const r = await nnc('build', modelFile('mnist-relu'), '--out', path.join(tempDir(), 'relu.nnc'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Total params: 431,242$/m);
  });

  describe('--emit', () => {
    it('spec: the ModelSpec as JSON', async () => {
      const r = await nnc('build', SEED, '--emit', 'spec');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), JSON.parse(JSON.stringify(compiledModel('mnist-prelu').spec)));
    });

    it('ir: the forward graph as printed IR', async () => {
      const r = await nnc('build', SEED, '--emit', 'ir');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, printGraph(compiledModel('mnist-prelu').forward));
      assert.match(r.stdout, /^outputs probs=%\d+ loss=%\d+$/m);
    });

    it('grad: the training graph with a gradient output per parameter', async () => {
      const r = await nnc('build', SEED, '--emit', 'grad');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, printGraph(compiledModel('mnist-prelu').training));
      const outputs = /^outputs (.*)$/m.exec(r.stdout)?.[1] ?? '';
      assert.equal(outputs.split(' ').filter((o) => o.startsWith('grad:')).length, 11);
      assert.match(outputs, /grad:prelu_1\.alpha=%\d+/);
    });

    it('fused: the kernels of both graphs and the refused fusions', async () => {
      const r = await nnc('build', SEED, '--emit', 'fused');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^# forward: \d+ kernels$/m);
      assert.match(r.stdout, /^# training step: \d+ kernels$/m);
      assert.match(r.stdout, /^k\d+ anchor over \[N,26,26,32\]: %\d+ conv2d, %\d+ add, %\d+ prelu$/m);
      assert.match(r.stdout, /^# refused fusions$/m);
    });

    it('an unknown stage is one line naming the stages, exit 1', async () => {
      const r = await nnc('build', SEED, '--emit', 'bogus');
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^nnc build: --emit: unknown stage 'bogus' \(one of spec, ir, grad, fused[^)]*\)\n$/);
    });
  });

  it('writes the compiled model to ./<name>.nnc, or to --out DIR', async () => {
    const cwd = process.cwd();
    const work = tempDir();
    process.chdir(work);
    try {
      const r = await nnc('build', SEED, '--no-gpu');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Wrote mnist-prelu\.nnc\/ \(cpu: train 250, infer 250, infer 1; no gpu\.js programs: .*\)$/m);
      const manifest = JSON.parse(readFileSync(path.join(work, 'mnist-prelu.nnc', 'manifest.json'), 'utf8')) as { name: string; paramCount: number };
      assert.deepEqual([manifest.name, manifest.paramCount], ['mnist-prelu', 460874]);
      for (const f of ['train-250', 'infer-250', 'infer-1']) assert.ok(existsSync(path.join(work, 'mnist-prelu.nnc', 'cpu', `${f}.wasm`)), f);
      const again = await nnc('build', SEED, '--out', 'elsewhere/seed.nnc', '--no-gpu');
      assert.equal(again.code, 0, again.stderr);
      assert.ok(existsSync(path.join(work, 'elsewhere', 'seed.nnc', 'manifest.json')));
    } finally {
      process.chdir(cwd);
    }
  });

  it('--out naming a file or a folder that is not a compiled model: one line, nothing replaced', async () => {
    const file = modelSource('taken', 'a file');
    const r = await nnc('build', SEED, '--out', file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^nnc build: .*taken: exists and is not a folder\n$/);
    const folder = path.dirname(file);
    const other = await nnc('build', SEED, '--out', folder);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /not a compiled model and not empty; choose another --out\n$/);
    assert.equal(readFileSync(file, 'utf8'), 'a file');
  });

  describe('mistakes are one line each, exit 1, no stack trace', () => {
    it('a model file with an error names file:line:col', async () => {
      const file = modelSource('bad.ts', `import { model, dense, adam, mnist } from 'nnc';

export default model({
  name: 'bad',
  input: [4],
  layers: [dense({ units: 'ten' })],
  loss: 'categoricalCrossentropy',
  optimizer: adam(),
  data: mnist(),
});
`);
      const r = await nnc('build', file);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0].startsWith(`${file}:6:`), lines[0]);
      assert.match(lines[0], /^.+:6:\d+: .*units/);
      assert.doesNotMatch(r.stderr, NO_STACK);
    });

    it('a shape mistake found while lowering points at the layer', async () => {
      const file = modelSource('pool.ts', `import { model, conv2d, maxPool2d, flatten, dense, adam, mnist } from 'nnc';

export default model({
  name: 'pool',
  input: [3, 3, 1],
  layers: [
    conv2d({ filters: 2, kernelSize: 3 }),
    maxPool2d({ poolSize: 2 }),
    flatten(),
    dense({ units: 2, activation: 'softmax' }),
  ],
  loss: 'categoricalCrossentropy',
  optimizer: adam(),
  data: mnist(),
});
`);
      const r = await nnc('build', file);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8:5: layer 2 \\(maxPool2d\\): .+\n$`));
      assert.doesNotMatch(r.stderr, NO_STACK);
    });

    it('a missing file', async () => {
      const file = path.join(tempDir(), 'nope.ts');
      const r = await nnc('build', file);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `${file}:1:1: cannot read model file '${file}': no such file\n`);
    });

    it('no model file, or two', async () => {
      const none = await nnc('build');
      assert.equal(none.code, 1);
      assert.equal(none.stderr, 'nnc build: expected one model file, got none\n');
      const two = await nnc('build', SEED, SEED);
      assert.equal(two.code, 1);
      assert.match(two.stderr, /^nnc build: expected one model file, got /);
    });

    it('an unknown option and a bad --batch', async () => {
      const unknown = await nnc('build', SEED, '--frobnicate');
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /^nnc build: .*frobnicate.*\n$/);
      const batch = await nnc('build', SEED, '--batch', '0');
      assert.equal(batch.code, 1);
      assert.equal(batch.stderr, "nnc build: --batch must be an integer from 1 to 2147483647, got '0'\n");
    });
  });

  it('--help prints the usage with every stage, exit 0', async () => {
    const r = await nnc('build', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: nnc build <model\.ts> \[options\]/);
    for (const e of emitters()) assert.match(r.stdout, new RegExp(`^ +${e.stage} +`, 'm'));
  });
});
