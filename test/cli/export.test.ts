// nnc export as a user runs it: train a small model, export it, and onnxruntime classifies
// the test images with the probabilities `nnc predict --json` prints; the compiled model
// exports to the same bytes; mistakes are one line, exit 1, and leave no file behind.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadIdxImages } from '../../runtime/data/dataset';
import { readSafetensors, writeSafetensors } from '../../runtime/io/safetensors';
import { maxAbsDiff, runOnnx } from '../compiler/export/onnx-peers';
import { nnc } from './train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';

const oneLine = (r: { code: number; stderr: string }, pattern: RegExp): void => {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
};

describe('nnc export', function () {
  this.timeout(180_000);
  let work: string;
  let model: string;
  let weights: string;
  let images: string;
  before(async () => {
    work = tempDir('nnc-export-');
    writeTinyIdx(path.join(work, 'data'));
    model = writeTinyModel(path.join(work, 'tiny.ts'), { epochs: 2 });
    const r = await nnc('train', model, '--out', path.join(work, 'run'), '--threads', '1');
    assert.equal(r.code, 0, r.stderr);
    weights = path.join(work, 'run', 'weights.safetensors');
    images = path.join(work, 'data', 't10k-images-idx3-ubyte');
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  /** The files in the work folder's out/ (no temp files may be left there). */
  const outFiles = (): string[] => (fs.existsSync(path.join(work, 'out')) ? fs.readdirSync(path.join(work, 'out')).sort() : []);

  it("writes an ONNX model whose probabilities on the test images are nnc predict's", async () => {
    const out = path.join(work, 'tiny.onnx');
    const r = await nnc('export', model, '--weights', weights, '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Wrote .*tiny\.onnx \(ONNX opset 13, [\d.]+ MB\): input x float32 \[N,4,4,1\], output probs float32 \[N,10\]\n$/);
    const predicted = await nnc('predict', model, '--weights', weights, '--input', images, '--json');
    assert.equal(predicted.code, 0, predicted.stderr);
    const rows = predicted.stdout.trim().split('\n').map((l) => JSON.parse(l) as { class: number; probabilities: number[] });
    const x = loadIdxImages(images);
    const got = await runOnnx(fs.readFileSync(out), x.x, x.count, x.inputShape);
    assert.equal(rows.length, 60);
    assert.ok(maxAbsDiff(got, Float32Array.from(rows.flatMap((row) => row.probabilities))) <= 1e-5);
    const classes = rows.map((_, i) => { const p = Array.from(got.subarray(i * 10, i * 10 + 10)); return p.indexOf(Math.max(...p)); });
    assert.deepEqual(classes, rows.map((row) => row.class));
  });

  it('exports a compiled model (nnc build) and a checkpoint to the same bytes as the model file and its weights', async () => {
    const fromSource = path.join(work, 'source.onnx');
    assert.equal((await nnc('export', model, '--weights', weights, '-o', fromSource)).code, 0);
    const compiled = path.join(work, 'tiny.nnc');
    assert.equal((await nnc('build', model, '--out', compiled)).code, 0);
    const fromCompiled = path.join(work, 'compiled.onnx');
    const r = await nnc('export', compiled, '--weights', weights, '--out', fromCompiled, '--format', 'onnx');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.readFileSync(fromCompiled).equals(fs.readFileSync(fromSource)), 'the compiled model exports other bytes');
    const checkpoint = path.join(work, 'run', 'checkpoints', 'epoch-0002.safetensors');
    const fromCheckpoint = path.join(work, 'checkpoint.onnx');
    assert.equal((await nnc('export', model, '--weights', checkpoint, '-o', fromCheckpoint)).code, 0);
    assert.ok(fs.readFileSync(fromCheckpoint).equals(fs.readFileSync(fromSource)), 'the last checkpoint exports other bytes');
  });

  it('says what is wrong with its flags in one line', async () => {
    const out = path.join(work, 'out', 'm.onnx');
    oneLine(await nnc('export', model, '-o', out), /--weights <file> is required/);
    oneLine(await nnc('export', model, '--weights', weights), /-o <file> is required/);
    oneLine(await nnc('export', model, '--weights', weights, '-o', out, '--format', 'tflite'), /--format must be onnx, got 'tflite'/);
    oneLine(await nnc('export', model, '--weights', weights, '-o', out), /cannot write .*m\.onnx: its folder does not exist/);
    oneLine(await nnc('export', model, '--weights', path.join(work, 'nope.safetensors'), '-o', out), /nope\.safetensors.*not found/);
  });

  it("refuses another model's weights and an op without an ONNX form, writing nothing", async () => {
    fs.mkdirSync(path.join(work, 'out'), { recursive: true });
    const out = path.join(work, 'out', 'm.onnx');
    fs.writeFileSync(out, 'an older export');
    const wrong = path.join(work, 'wrong.safetensors');
    writeSafetensors(wrong, [{ name: 'dense_1.kernel', shape: [16, 13], data: new Float32Array(16 * 13) }]);
    oneLine(await nnc('export', model, '--weights', wrong, '-o', out), /wrong\.safetensors.*dense_1\.kernel/);
    const nan = path.join(work, 'nan.safetensors');
    const own = readSafetensors(weights).tensors;
    own[0].data[3] = NaN;
    writeSafetensors(nan, own);
    oneLine(await nnc('export', model, '--weights', nan, '-o', out), /nan\.safetensors: 1 of the \d+ values of "dense_1\.\w+" are NaN or infinite; nothing was written/);
    // A compiled model whose inference graph holds an op the exporter has no form for.
    const odd = path.join(work, 'odd.nnc');
    assert.equal((await nnc('build', model, '--out', odd)).code, 0);
    const manifestPath = path.join(odd, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { graphs: { forward: string } };
    assert.match(manifest.graphs.forward, / = prelu\(/);
    manifest.graphs.forward = manifest.graphs.forward.replace(' = prelu(', ' = maximum(');
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));
    oneLine(await nnc('export', odd, '--weights', weights, '-o', out), /odd\.nnc: op 'maximum' \(%\d+, in layer prelu_1\) has no ONNX form.*nothing was written/);
    assert.equal(fs.readFileSync(out, 'utf8'), 'an older export');
    assert.deepEqual(outFiles(), ['m.onnx'], 'a temp file was left behind');
  });
});
