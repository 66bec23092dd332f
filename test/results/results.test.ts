// The published results are what the shipped code produces: one epoch of the seed PReLU
// model (seed 1) reproduces the first epoch of the committed 25-epoch history exactly (a run
// is deterministic on any thread count), and the README's tables are the result files'.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nnc } from '../cli/train-cli';
import { RESULTS_DIR, currentTables, readJson, renderReadme } from '../../scripts/results-tables';

const ROOT = path.resolve(__dirname, '..', '..');

interface HistoryJson {
  readonly loss: readonly number[];
  readonly accuracy: readonly number[];
  readonly val_loss: readonly number[];
  readonly val_accuracy: readonly number[];
  readonly provenance?: { readonly command: string };
}

const firstEpoch = (h: HistoryJson): number[] => [h.loss[0], h.accuracy[0], h.val_loss[0], h.val_accuracy[0]];

describe('published results', function () {
  this.timeout(600_000);

  it("the README's result tables are rendered from docs/results (npm run reproduce rewrites them)", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const tables = currentTables();
    assert.deepEqual(Object.keys(tables).sort(), ['bench', 'inference', 'seed-1', 'seeds']);
    assert.equal(renderReadme(readme, tables), readme, 'README.md differs from docs/results: run npm run reproduce (or fix the files)');
  });

  it('one epoch of mnist-prelu with seed 1 equals the first epoch of the committed history, exactly', async () => {
    const committed = readJson<HistoryJson>(path.join(RESULTS_DIR, 'mnist-prelu.history.json'));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-results-'));
    try {
      const r = await nnc('train', path.join(ROOT, 'models', 'mnist-prelu.ts'), '--epochs', '1', '--out', out);
      assert.equal(r.code, 0, r.stderr);
      const fresh = readJson<HistoryJson>(path.join(out, 'history.json'));
      assert.deepEqual(firstEpoch(fresh), firstEpoch(committed),
        `the code no longer reproduces docs/results (made by ${committed.provenance?.command ?? 'an unrecorded command'}): run npm run reproduce`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
