import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensors } from '../../runtime/io/safetensors';
import { nnc } from './train-cli';
import { tempDir, writeTinyIdx, writeTinyModel } from './train-fixtures';

describe('nnc compare', function () {
  this.timeout(120_000);
  let work: string;
  after(() => fs.rmSync(work, { recursive: true, force: true }));
  before(() => {
    work = tempDir();
    writeTinyIdx(path.join(work, 'data'));
  });

  it('trains each model alike and writes one report with a table of results', async () => {
    const prelu = writeTinyModel(path.join(work, 'prelu.ts'), { name: 'tiny-prelu', epochs: 2 });
    const relu = writeTinyModel(path.join(work, 'relu.ts'), { name: 'tiny-relu', activation: 'relu', epochs: 5 });
    const out = path.join(work, 'cmp');
    const r = await nnc('compare', prelu, relu, '--backend', 'reference', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /relu\.ts: trained with the shared settings \(epochs 5 -> 2\)/);
    assert.match(r.stdout, /\[2\/2\] Training tiny-relu .* 2 epochs, seed 1/);
    const table = r.stdout.slice(r.stdout.indexOf('Model  '));
    assert.match(table, /^Model +Test loss +Test accuracy +s\/epoch +Parameters\ntiny-prelu +\d\.\d{4} +\d\.\d{4} +[\d.]+ +346\ntiny-relu +\d\.\d{4} +\d\.\d{4} +[\d.]+ +334\n/);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.ok(html.includes('tiny-prelu') && html.includes('tiny-relu'));
    for (const name of ['tiny-prelu', 'tiny-relu']) {
      assert.ok(readSafetensors(path.join(out, name, 'weights.safetensors')).tensors.length > 0);
      const history = JSON.parse(fs.readFileSync(path.join(out, name, 'history.json'), 'utf8')) as { loss: number[] };
      assert.equal(history.loss.length, 2);
    }
  });

  it('needs two model files, and reports every model that does not compile', async () => {
    const one = writeTinyModel(path.join(work, 'one.ts'));
    const few = await nnc('compare', one);
    assert.equal(few.code, 1);
    assert.match(few.stderr, /expected at least two model files to compare, got .*one\.ts\n$/);
    const bad = path.join(work, 'bad.ts');
    fs.writeFileSync(bad, fs.readFileSync(one, 'utf8').replace('rate: 0.1', 'rate: 1.5'));
    const r = await nnc('compare', one, bad, path.join(work, 'absent.ts'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.ts:\d+:\d+: /);
    assert.match(r.stderr, /absent\.ts.*no such file/);
    assert.equal(r.stdout, '');
  });
});
