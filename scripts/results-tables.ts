// The README's result tables, rendered from the committed result files under docs/results/
// (never typed by hand): `npm run reproduce` rewrites them between their markers, and a
// test fails when the README and the files disagree.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
export const RESULTS_DIR = path.resolve(__dirname, '..', 'docs', 'results');
export const SEED_MODELS = ['mnist-relu', 'mnist-prelu-zeros', 'mnist-prelu'] as const;

export interface Provenance {
  readonly nnc: string;
  readonly commit: string;
  readonly command: string;
  readonly backend: string;
  readonly threads: number;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string; readonly platform: string };
  readonly date: string;
}

/** Where a result came from: the code (version, commit), the command and the machine. */
export function provenance(command: string, threads: number): Provenance {
  const git = (args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  return {
    nnc: (readJson<{ version: string }>(path.join(ROOT, 'package.json'))).version,
    commit: git(['rev-parse', 'HEAD']) + (dirty ? ' (with uncommitted changes)' : ''),
    command, backend: 'cpu', threads,
    machine: { cpu: os.cpus()[0]?.model.trim() ?? 'unknown', cores: os.availableParallelism(), node: process.version, platform: `${os.platform()} ${os.arch()}` },
    date: new Date().toISOString(),
  };
}

export interface SeedResults {
  readonly provenance: Provenance;
  /** Per model: its test loss and accuracy for each seed trained ("1" always; "2".."5" with --seeds). */
  readonly models: Readonly<Record<string, Readonly<Record<string, { readonly test_loss: number; readonly test_accuracy: number }>>>>;
}

/** One nnc configuration of a step bench: threads, and whether the fused-multiply-add form ran. */
export interface StepConfigResult {
  readonly threads: number;
  readonly fused: boolean;
  readonly nncMs: number;
  /** PyTorch on the same thread count, or null when it did not run. */
  readonly peerMs: number | null;
}

export interface BenchResult {
  readonly provenance: Provenance;
  /** The 1-minute load average when the bench started: above the core count, the machine was shared. */
  readonly load: number;
  /** One core's measured GFLOP/s (bench/peak.ts); absent in files from before it was measured. */
  readonly peak?: { readonly exact: number; readonly fused: number | null };
  /** nncMs/peerMs: the default configuration (every thread, exact form); configs: all that ran. */
  readonly rows: readonly { readonly model: string; readonly nncMs: number; readonly peerMs: number | null; readonly configs?: readonly StepConfigResult[] }[];
}

export interface InferenceResult {
  readonly provenance: Provenance;
  readonly load: number;
  readonly rows: readonly { readonly batch: number; readonly nncPerSecond: number; readonly peerPerSecond: number }[];
}

const TUTORIAL: Readonly<Record<string, string>> = { 'mnist-relu': '0.9929 / 0.9927', 'mnist-prelu-zeros': '0.9927', 'mnist-prelu': '0.9930' };
const LABEL: Readonly<Record<string, string>> = { 'mnist-relu': 'mnist-relu', 'mnist-prelu-zeros': 'mnist-prelu-zeros (alpha 0)', 'mnist-prelu': 'mnist-prelu (alpha 0.25)' };

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function machineLine(p: Provenance): string {
  return `nnc ${p.nnc}, commit ${p.commit.slice(0, 10)}${p.commit.includes('uncommitted') ? ' with uncommitted changes' : ''}, ${p.backend} backend, ${p.threads} thread${p.threads === 1 ? '' : 's'}; `
    + `${p.machine.cpu}, ${p.machine.cores} cores, Node ${p.machine.node}; ${p.date.slice(0, 10)}`;
}

export function seedOneTable(r: SeedResults): string {
  const rows = SEED_MODELS.map((m) => {
    const s = r.models[m]['1'];
    return `| ${LABEL[m]} | ${s.test_loss.toFixed(4)} | ${s.test_accuracy.toFixed(4)} | ${TUTORIAL[m]} |`;
  });
  return ['| model | test loss | test accuracy | the tutorial (Keras) |', '|---|---|---|---|', ...rows, '', `Made by \`${r.provenance.command}\` (${machineLine(r.provenance)}).`].join('\n');
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function sd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

export function seedsTable(r: SeedResults): string {
  const seeds = ['1', '2', '3', '4', '5'];
  const rows = SEED_MODELS.map((m) => {
    const acc = seeds.map((s) => r.models[m][s].test_accuracy);
    return `| ${m} | ${acc.map((a) => a.toFixed(4)).join(' | ')} | ${mean(acc).toFixed(4)} ± ${sd(acc).toFixed(4)} |`;
  });
  return ['| model | seed 1 | seed 2 | seed 3 | seed 4 | seed 5 | mean ± sd |', '|---|---|---|---|---|---|---|', ...rows, '',
    `Made by \`${r.provenance.command}\` (${machineLine(r.provenance)}).`].join('\n');
}

export function benchTable(b: BenchResult): string {
  const source = `Measured by \`${b.provenance.command}\` (${machineLine(b.provenance)}; load average ${b.load.toFixed(1)} at the start).`;
  if (b.rows.every((r) => r.configs === undefined)) {
    const rows = b.rows.map((r) => `| ${r.model} | ${r.nncMs.toFixed(1)} | ${r.peerMs === null ? '-' : r.peerMs.toFixed(1)} | ${r.peerMs === null ? '-' : `${(r.peerMs / r.nncMs).toFixed(2)}x`} |`);
    return ['| model | nnc ms/step | PyTorch ms/step | nnc images/s vs PyTorch |', '|---|---|---|---|', ...rows, '', source].join('\n');
  }
  const ratio = (peer: number | null, nnc: number): string => (peer === null ? '-' : `${(peer / nnc).toFixed(2)}x`);
  const rows = b.rows.flatMap((r) => (r.configs ?? []).map((c) => `| ${r.model} | ${c.threads} | ${c.fused ? 'fused (relaxed SIMD)' : 'exact'} | ${c.nncMs.toFixed(1)} | ${c.peerMs === null ? '-' : c.peerMs.toFixed(1)} | ${ratio(c.peerMs, c.nncMs)} |`));
  const peak = b.peak ? ` One core's measured peak (\`bench/peak.ts\`): ${b.peak.exact.toFixed(1)} GFLOP/s exact, ${b.peak.fused === null ? 'no relaxed SIMD' : `${b.peak.fused.toFixed(1)} GFLOP/s fused`}.` : '';
  return ['| model | threads | form | nnc ms/step | PyTorch ms/step (same threads) | nnc images/s vs PyTorch |', '|---|---|---|---|---|---|', ...rows, '', source + peak].join('\n');
}

export function inferenceTable(r: InferenceResult): string {
  const rows = r.rows.map((x) => `| ${x.batch} | ${x.nncPerSecond.toFixed(0)} | ${x.peerPerSecond.toFixed(0)} | ${(x.nncPerSecond / x.peerPerSecond).toFixed(2)}x |`);
  return ['| batch | nnc images/s | onnxruntime images/s | nnc / onnxruntime |', '|---|---|---|---|', ...rows, '',
    `Measured by \`${r.provenance.command}\` (${machineLine(r.provenance)}; load average ${r.load.toFixed(1)} at the start).`].join('\n');
}

/** The README with every generated table replaced from the result files. */
export function renderReadme(readme: string, tables: Readonly<Record<string, string>>): string {
  let out = readme;
  for (const [name, table] of Object.entries(tables)) {
    const open = `<!-- generated:${name} (npm run reproduce; do not edit) -->`;
    const close = `<!-- /generated:${name} -->`;
    const a = out.indexOf(open);
    const b = out.indexOf(close);
    if (a < 0 || b < a) throw new Error(`README.md has no ${open} ... ${close} block`);
    out = out.slice(0, a + open.length) + '\n' + table + '\n' + out.slice(b);
  }
  return out;
}

/** Every generated table whose result file exists under docs/results/. */
export function currentTables(): Record<string, string> {
  const sources: [string, string, (json: never) => string][] = [
    ['seed-1', 'results.json', seedOneTable], ['seeds', 'seeds.json', seedsTable], ['bench', 'bench-step.json', benchTable],
    ['inference', 'bench-inference.json', inferenceTable],
  ];
  const tables: Record<string, string> = {};
  for (const [name, file, render] of sources) {
    const full = path.join(RESULTS_DIR, file);
    if (fs.existsSync(full)) tables[name] = render(readJson<never>(full));
  }
  return tables;
}
