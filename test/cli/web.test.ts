// nnc web from a compiled model folder, and its one-line errors. (test/web/page.test.ts
// drives a site it wrote from a model file in a browser.)

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadIdxDataset, loadMnist } from '../../runtime/data/dataset';
import { writeSafetensors } from '../../runtime/io/safetensors';
import type { SiteConfig } from '../../web/site';
import { writeSmallCnn } from '../web/site-fixture';
import { nnc } from './train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';

const oneLine = (r: { code: number; stderr: string }, expected: string): void => {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, `nnc web: ${expected}\n`);
};

describe('nnc web', function () {
  this.timeout(120_000);
  let work: string;
  let compiled: string;
  before(async () => {
    work = tempDir('nnc-webcmd-');
    compiled = path.join(work, 'small.nnc');
    const b = await nnc('build', writeSmallCnn(path.join(work, 'small-cnn.ts')), '--out', compiled);
    assert.equal(b.code, 0, b.stderr);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('writes a site from a compiled model: its programs as they are, the first images of MNIST', async () => {
    const out = path.join(work, 'site');
    const r = await nnc('web', compiled, '--out', out, '--train-images', '400', '--test-images', '50', '--samples', '8');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /small-cnn: train at batch 16 on 320 images \(validating on 80\); 8 of 50 test digits shown\nServe it with: nnc serve /);
    const site = JSON.parse(fs.readFileSync(path.join(out, 'site.json'), 'utf8')) as SiteConfig;
    // 32 and 128 (the defaults beside the model's 16) have no training program in the folder.
    assert.deepEqual([site.batchSizes, site.defaultBatchSize, site.weights, site.samples, site.seed], [[16], 16, null, 8, 1]);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'model', 'manifest.json'), 'utf8')), JSON.parse(fs.readFileSync(path.join(compiled, 'manifest.json'), 'utf8')));
    for (const f of ['index.html', 'nnc-page.js', 'nnc-worker.js']) assert.ok(fs.statSync(path.join(out, f)).size > 1000, f);
    const train = loadIdxDataset(path.join(out, site.train.images), path.join(out, site.train.labels));
    const mnist = loadMnist();
    assert.equal(train.count, 400);
    assert.deepEqual(train.x, mnist.train.x.subarray(0, 400 * 784));
    assert.deepEqual(train.labels, mnist.train.labels.subarray(0, 400));
    const test = loadIdxDataset(path.join(out, site.test.images), path.join(out, site.test.labels));
    assert.deepEqual([test.count, test.labels], [50, mnist.test.labels.subarray(0, 50)]);
    const again = await nnc('web', compiled, '--out', out, '--train-images', '400', '--test-images', '50');
    assert.equal(again.code, 0, 'an earlier site is rewritten');
  });

  it('says which programs a compiled model lacks for the page, and how to add them', async () => {
    oneLine(await nnc('web', compiled, '--out', path.join(work, 'no'), '--batch-sizes', '32,64', '--train-images', '400'),
      `${compiled} has no training programs for the page's batch sizes 32, 64 over 320 training images (it has 16); rebuild it with nnc build <model.ts> --train-batches 32,64, or give nnc web the model file`);
  });

  it('refuses weights that are not the model\'s, naming the tensor', async () => {
    const weights = path.join(work, 'wrong.safetensors');
    writeSafetensors(weights, [{ name: 'conv2d.kernel', shape: [2], data: new Float32Array(2) }]);
    const r = await nnc('web', compiled, '--out', path.join(work, 'w'), '--weights', weights, '--train-images', '400');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^nnc web: ${weights}: missing tensor "[^"]+" \\(the model expects shape \\[[\\d, ]+\\]\\)\\n$`));
    assert.ok(!fs.existsSync(path.join(work, 'w')), 'nothing is written');
  });

  it('refuses a model the page cannot show, a missing --out, and a folder that is not a site', async () => {
    writeTinyIdx(path.join(work, 'data'));
    const tiny = writeTinyModel(path.join(work, 'tiny.ts'));
    oneLine(await nnc('web', tiny, '--out', path.join(work, 't')), `${tiny}: the page draws and shows 28x28 grey digits in 10 classes; this model takes [4, 4, 1] with 10 classes`);
    oneLine(await nnc('web', compiled), '--out <dir> is required (the folder to write the site to)');
    fs.mkdirSync(path.join(work, 'busy'));
    fs.writeFileSync(path.join(work, 'busy', 'notes.txt'), 'mine');
    oneLine(await nnc('web', compiled, '--out', path.join(work, 'busy')), `--out ${path.join(work, 'busy')}: a folder that is not empty and not an nnc web site; choose another --out`);
    oneLine(await nnc('web', compiled, '--out', path.join(work, 'b'), '--batch-sizes', '16,x'), "--batch-sizes takes whole numbers >= 1 separated by commas, got '16,x'");
  });
});
