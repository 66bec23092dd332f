// Snapshot tests: for every model in models/, the forward IR, the training IR and the fused
// kernel listing (exactly what `nnc build --emit ir|grad|fused` prints) must equal the
// files in test/golden/ byte for byte, so any change in what the compiler emits shows up
// in review. After an intended change: UPDATE_GOLDEN=1 npx mocha test/golden -g 'golden files'
// (mocha adds the configured spec glob to the one given, so -g keeps the run to these).

import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { findEmitter } from '../../cli/emit';
import { compiledModel, modelNames } from '../compiler/lower/seed-models';
import { diffHint } from './diff';

const GOLDEN_DIR = __dirname;
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const HOW_TO_UPDATE = "if the change is intended, run: UPDATE_GOLDEN=1 npx mocha test/golden -g 'golden files' and review the diff";

/** Golden file suffix -> the --emit stage that produces it. */
const STAGES: readonly (readonly [string, string])[] = [['forward.ir', 'ir'], ['training.ir', 'grad'], ['fused.txt', 'fused']];

function render(model: string, stage: string): string {
  const emitter = findEmitter(stage);
  if (!emitter) throw new Error(`no --emit stage '${stage}'`);
  const m = compiledModel(model);
  return emitter.render(m, { batch: m.spec.fit.batchSize });
}

function goldenFiles(): string[] {
  return readdirSync(GOLDEN_DIR).filter((f) => STAGES.some(([suffix]) => f.endsWith(`.${suffix}`))).sort();
}

describe('golden files (test/golden)', () => {
  const models = modelNames();

  it('exist for every model in models/, and only for those', () => {
    const expected = models.flatMap((m) => STAGES.map(([suffix]) => `${m}.${suffix}`)).sort();
    if (UPDATE) {
      for (const f of goldenFiles()) if (!expected.includes(f)) unlinkSync(path.join(GOLDEN_DIR, f));
      return;
    }
    const stale = goldenFiles().filter((f) => !expected.includes(f));
    assert.deepEqual(stale, [], `golden files for models that no longer exist: ${stale.join(', ')}; ${HOW_TO_UPDATE}`);
  });

  for (const model of models) {
    for (const [suffix, stage] of STAGES) {
      const file = `${model}.${suffix}`;
      it(`${file} equals nnc build --emit ${stage} models/${model}.ts`, () => {
        const actual = render(model, stage);
        const goldenPath = path.join(GOLDEN_DIR, file);
        if (UPDATE) {
          if (!existsSync(goldenPath) || readFileSync(goldenPath, 'utf8') !== actual) writeFileSync(goldenPath, actual);
          return;
        }
        assert.ok(existsSync(goldenPath), `test/golden/${file} is missing; ${HOW_TO_UPDATE}`);
        const expected = readFileSync(goldenPath, 'utf8');
        if (expected !== actual) {
          assert.fail(`the compiler's output differs from test/golden/${file}:\n${diffHint(expected, actual)}\n${HOW_TO_UPDATE}`);
        }
      });
    }
  }
});
