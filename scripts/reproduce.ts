// npm run reproduce: regenerates the seed experiment's results under docs/results/ from the
// code as it is: the three seed models with seed 1 through `nnc compare` (histories, charts,
// report, console output), results.json with their test results, and the README's tables.
// Each file records its provenance (nnc version, commit, command, backend, threads, machine).
//   npm run reproduce -- [--seeds] [--peer] [--fashion] [--threads N]
//     --seeds    also seeds 2-5 of every model (seeds/, seeds.json): about 5x longer
//     --peer     also PyTorch's ReLU run (bench/peer/torch_train.py) where /usr/bin/python3 has torch
//     --fashion  only models/fashion-mnist.ts instead (fashion-mnist/: history, charts, report,
//                console output); needs Debian's dataset-fashion-mnist

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { RESULTS_DIR, SEED_MODELS, currentTables, provenance, readJson, renderReadme, type Provenance, type SeedResults } from './results-tables';

const ROOT = path.resolve(__dirname, '..');
const NNC = path.join(ROOT, 'bin', 'nnc.js');

interface HistoryJson { readonly test?: { readonly loss: number; readonly accuracy: number } }


/** Runs nnc with its output shown and kept; fails loudly (this is a maintainer's tool). */
function nnc(args: readonly string[]): string {
  console.log(`$ nnc ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [NNC, ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout);
  if (r.status !== 0) throw new Error(`nnc ${args.join(' ')} exited ${r.status}`);
  return r.stdout;
}

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, JSON.stringify(value, null, 1) + '\n');
}

function withProvenance(historyFile: string, target: string, p: Provenance): HistoryJson {
  const history = readJson<HistoryJson>(historyFile);
  writeJson(target, { ...history, provenance: p });
  return history;
}

function testResult(h: HistoryJson, model: string): { test_loss: number; test_accuracy: number } {
  if (!h.test) throw new Error(`${model}: the run's history has no test result`);
  return { test_loss: h.test.loss, test_accuracy: h.test.accuracy };
}

function seedOne(threads: number, work: string): SeedResults {
  const files = SEED_MODELS.map((m) => path.join('models', `${m}.ts`));
  const args = ['compare', ...files, '--threads', String(threads), '--out', work];
  const p = provenance(`nnc ${args.slice(0, -2).join(' ')}`, threads);
  const output = nnc(args);
  fs.writeFileSync(path.join(RESULTS_DIR, 'compare-output.txt'), output.replaceAll(work, 'runs/compare'));
  for (const f of fs.readdirSync(work)) {
    if (/\.(svg|png|html)$/.test(f)) fs.copyFileSync(path.join(work, f), path.join(RESULTS_DIR, f));
  }
  const models: Record<string, Record<string, { test_loss: number; test_accuracy: number }>> = {};
  for (const m of SEED_MODELS) {
    const h = withProvenance(path.join(work, m, 'history.json'), path.join(RESULTS_DIR, `${m}.history.json`), p);
    models[m] = { 1: testResult(h, m) };
  }
  const results: SeedResults = { provenance: p, models };
  writeJson(path.join(RESULTS_DIR, 'results.json'), results);
  return results;
}

function otherSeeds(threads: number, work: string, seed1: SeedResults): void {
  const p = provenance(`nnc train models/<model>.ts --seed <2..5> --threads ${threads} (seed 1: ${seed1.provenance.command})`, threads);
  const models: Record<string, Record<string, { test_loss: number; test_accuracy: number }>> = {};
  fs.mkdirSync(path.join(RESULTS_DIR, 'seeds'), { recursive: true });
  for (const m of SEED_MODELS) {
    models[m] = { 1: seed1.models[m]['1'] };
    for (const seed of [2, 3, 4, 5]) {
      const out = path.join(work, `${m}-seed${seed}`);
      nnc(['train', path.join('models', `${m}.ts`), '--seed', String(seed), '--threads', String(threads), '--out', out]);
      const h = withProvenance(path.join(out, 'history.json'), path.join(RESULTS_DIR, 'seeds', `${m}-seed${seed}.history.json`), p);
      models[m][String(seed)] = testResult(h, m);
    }
  }
  writeJson(path.join(RESULTS_DIR, 'seeds.json'), { provenance: p, models });
}

function peer(threads: number): void {
  const python = '/usr/bin/python3';
  const script = path.join(ROOT, 'bench', 'peer', 'torch_train.py');
  console.log(`$ ${python} ${path.relative(ROOT, script)} --model relu`);
  const out = path.join(os.tmpdir(), `nnc-torch-${process.pid}.json`);
  const r = spawnSync(python, [script, '--model', 'relu', '--threads', String(threads), '--out', out], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) { console.log('PyTorch peer not run: torch_train.py failed (is python3-torch installed?)'); return; }
  const result = readJson<Record<string, unknown>>(out);
  fs.rmSync(out, { force: true });
  writeJson(path.join(RESULTS_DIR, 'torch-mnist-relu.json'), { ...result, provenance: provenance(`${python} bench/peer/torch_train.py --model relu`, threads) });
}

/** `nnc train models/fashion-mnist.ts`, its run kept under docs/results/fashion-mnist/. */
function fashion(threads: number, work: string): void {
  const args = ['train', path.join('models', 'fashion-mnist.ts'), '--threads', String(threads), '--out', work];
  const p = provenance(`nnc ${args.slice(0, -2).join(' ')}`, threads);
  keepFashionRun(work, nnc(args), p);
}

/** Copies a run of models/fashion-mnist.ts (its folder and console output) into docs/results/fashion-mnist/. */
export function keepFashionRun(runDir: string, output: string, p: Provenance): void {
  const target = path.join(RESULTS_DIR, 'fashion-mnist');
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, 'train-output.txt'), output.replaceAll(runDir, 'runs/fashion-mnist'));
  for (const f of fs.readdirSync(runDir)) {
    if (/\.(svg|png|html)$/.test(f)) fs.copyFileSync(path.join(runDir, f), path.join(target, f));
  }
  withProvenance(path.join(runDir, 'history.json'), path.join(target, 'history.json'), p);
}

function main(): void {
  const { values } = parseArgs({ options: { seeds: { type: 'boolean' }, peer: { type: 'boolean' }, fashion: { type: 'boolean' }, threads: { type: 'string' } } });
  const threads = Number(values.threads ?? os.availableParallelism());
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-reproduce-'));
  try {
    if (values.fashion) {
      fashion(threads, path.join(work, 'fashion-mnist'));
      console.log('Wrote docs/results/fashion-mnist/');
      return;
    }
    const seed1 = seedOne(threads, path.join(work, 'compare'));
    if (values.seeds) otherSeeds(threads, work, seed1);
    if (values.peer) peer(threads);
    const readme = path.join(ROOT, 'README.md');
    fs.writeFileSync(readme, renderReadme(fs.readFileSync(readme, 'utf8'), currentTables()));
    console.log(`Wrote docs/results/ and the README's tables (${seed1.provenance.commit})`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// Importable (keepFashionRun) without running.
if (require.main === module) main();
