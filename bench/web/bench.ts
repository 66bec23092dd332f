// npm run bench:web: a training step of the seed PReLU model (batch 250: forward, backward,
// Adam) in headless Chromium, timed inside the page's worker: nnc's WebAssembly programs on
// one thread and on every core, nnc's gpu.js kernels on WebGL, TensorFlow.js 4.22 on WebGL
// (the same layers, optimizer and batch), and, for reference, nnc's CPU backend in Node at
// the same thread counts. A benchmark, not a test. It prints the WebGL renderer: on a
// machine without a GPU that is SwiftShader, a software renderer, and WebGL figures are
// then CPU figures, not GPU ones.
// The CPU rows are measured in alternating rounds (Node, page, Node, page, ...; a fresh
// engine each round, warmed up), so that a shared machine's changing load falls on both
// alike; each figure is the median of all its timed steps.
//   npm run bench:web -- [--rounds R] [--steps N] [--warmup N] [--gl-steps N] [--gl-warmup N] [--cpu-only] [--save FILE]

import * as fs from 'node:fs';
import * as os from 'node:os';
import { availableParallelism, cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { serveStatic } from '../../cli/static-server';
import { compile } from '../../compiler/pipeline';
import { writeCompiledModel } from '../../compiler/package/write';
import type { CompiledModelFiles } from '../../format/manifest';
import { createEngine } from '../../runtime/backends/index';
import { launchChromium } from '../../test/support/chromium';
import { BATCH, syntheticBatch, type BenchRequest, type BenchResult } from './browser/protocol';

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function site(dir: string): Promise<CompiledModelFiles> {
  const built = await compile(path.join(__dirname, '..', '..', 'models', 'mnist-prelu.ts'));
  if (!built.ok) throw new Error(built.diagnostics.join('\n'));
  writeCompiledModel(path.join(dir, 'model'), built.compiled);
  await esbuild.build({
    entryPoints: { 'bench-page': path.join(__dirname, 'browser', 'bench-page.ts'), 'bench-worker': path.join(__dirname, 'browser', 'bench-worker.ts') },
    outdir: dir, bundle: true, platform: 'browser', format: 'iife', target: ['chrome100'], keepNames: true, logLevel: 'error',
  });
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>nnc bench</title><body><script src="bench-page.js"></script>');
  return built.compiled;
}

async function nodeCpu(compiled: CompiledModelFiles, threads: number, warmup: number, steps: number): Promise<BenchResult> {
  const engine = await createEngine(compiled, { backend: 'cpu', seed: 1, threads });
  const { x, labels } = syntheticBatch();
  const ms: number[] = [];
  const losses: number[] = [];
  for (let s = 0; s < warmup + steps; s++) {
    const t = performance.now();
    losses.push(engine.trainStep(x, labels, BATCH, s).loss);
    if (s >= warmup) ms.push(performance.now() - t);
  }
  engine.dispose();
  return { ms, what: `Node ${engine.description}`, losses: [losses[0], losses[losses.length - 1]] };
}

/** Rounds of the same measurement, merged: every round's timed steps, the first round's first loss and the last round's last. */
function merge(rounds: readonly (BenchResult | string)[]): BenchResult | string {
  const failed = rounds.find((r): r is string => typeof r === 'string');
  if (failed !== undefined) return failed;
  const ok = rounds as readonly BenchResult[];
  return { ms: ok.flatMap((r) => r.ms), what: ok[0].what, losses: [ok[0].losses[0], ok[ok.length - 1].losses[1]] };
}

function row(name: string, r: BenchResult | string, vs: { label: string; ms: number } | null): string[] {
  if (typeof r === 'string') return [name, r, '', ''];
  const ms = median(r.ms);
  return [name, ms.toFixed(1), vs ? `${(ms / vs.ms).toFixed(2)}x ${vs.label}` : '', `loss ${r.losses[0].toFixed(3)} -> ${r.losses[1].toFixed(3)}`];
}

function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((v, c) => (c === 1 ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, steps: { type: 'string' }, warmup: { type: 'string' }, 'gl-steps': { type: 'string' }, 'gl-warmup': { type: 'string' }, 'cpu-only': { type: 'boolean' }, save: { type: 'string' } } });
  const rounds = Number(values.rounds ?? 4), steps = Number(values.steps ?? 5), warmup = Number(values.warmup ?? 2);
  const glSteps = Number(values['gl-steps'] ?? 3), glWarmup = Number(values['gl-warmup'] ?? 1);
  const cores = availableParallelism();
  console.log(`nnc in the browser: mnist-prelu training step, batch ${BATCH}; ${cores} cores (${cpus()[0]?.model ?? '?'}), load ${loadavg()[0].toFixed(1)}; `
    + `CPU: ${rounds} rounds of ${warmup} warm-up + ${steps} timed steps; WebGL: ${glWarmup} warm-up + ${glSteps} timed`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-bench-web-'));
  const compiled = await site(dir);
  const server = await serveStatic(dir, 0);
  const chromium = await launchChromium();
  try {
    const page = await chromium.browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction('document.body.dataset.state === "ready"');
    const isolated = await page.evaluate('crossOriginIsolated');
    if (isolated !== true) throw new Error('the bench page is not cross-origin isolated');
    const inPage = (r: BenchRequest): Promise<BenchResult | string> =>
      page.evaluate((req) => (globalThis as unknown as { runBench(q: unknown): Promise<BenchResult> }).runBench(req), r).catch((e: unknown) => `failed: ${String(e).split('\n')[0]}`);
    const threadCounts = [...new Set([1, cores])];
    const measured: Record<string, (BenchResult | string)[]> = {};
    const add = (k: string, r: BenchResult | string): void => { (measured[k] ??= []).push(r); };
    for (let round = 0; round < rounds; round++) {
      for (const t of threadCounts) {
        add(`node-${t}`, await nodeCpu(compiled, t, warmup, steps));
        add(`wasm-${t}`, await inPage({ kind: 'nnc', backend: 'cpu', threads: t, warmup, steps }));
      }
    }
    const results: Record<string, BenchResult | string> = Object.fromEntries(Object.entries(measured).map(([k, rs]) => [k, merge(rs)]));
    const skipped = 'not run (--cpu-only)';
    results.gl = values['cpu-only'] ? skipped : await inPage({ kind: 'nnc', backend: 'gpu', threads: 1, warmup: glWarmup, steps: glSteps });
    results.tfjs = values['cpu-only'] ? skipped : await inPage({ kind: 'tfjs', warmup: glWarmup, steps: glSteps });
    report(results, threadCounts, values.save);
  } finally {
    await chromium.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function report(results: Record<string, BenchResult | string>, threadCounts: readonly number[], save: string | undefined): void {
  const ms = (k: string): number | null => { const r = results[k]; return typeof r === 'string' ? null : median(r.ms); };
  const rows: string[][] = [['', 'ms/step', 'ratio', '']];
  for (const t of threadCounts) {
    const node = ms(`node-${t}`);
    rows.push(row(`nnc Node CPU backend, ${t} thread${t > 1 ? 's' : ''}`, results[`node-${t}`], null));
    rows.push(row(`nnc WebAssembly in Chromium, ${t} thread${t > 1 ? 's' : ''}`, results[`wasm-${t}`], node === null ? null : { label: 'Node (target <= 1.25x)', ms: node }));
  }
  const tf = ms('tfjs');
  rows.push(row('nnc WebGL (gpu.js) in Chromium', results.gl, tf === null ? null : { label: 'TF.js (target < 1x)', ms: tf }));
  rows.push(row('TensorFlow.js 4.22 WebGL in Chromium', results.tfjs, null));
  const renderers = [...new Set([results.gl, results.tfjs].flatMap((r) => (typeof r === 'string' || r.renderer === undefined ? [] : [r.renderer])))];
  const renderer = renderers.join(' / ') || 'not measured';
  console.log(`WebGL renderer: ${renderer}${/swiftshader|llvmpipe|software/i.test(renderer) ? ' (a software renderer: the WebGL rows are CPU figures, not GPU ones)' : ''}`);
  console.log(table(rows));
  console.log(`load average after the run: ${loadavg()[0].toFixed(1)}`);
  for (const [k, r] of Object.entries(results)) if (typeof r !== 'string') console.log(`  ${k}: ${r.what}; steps ${r.ms.map((v) => v.toFixed(0)).join(', ')} ms`);
  if (save) fs.writeFileSync(save, JSON.stringify({ date: new Date().toISOString(), cores: availableParallelism(), renderer, results }, null, 1) + '\n');
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.stack ?? e.message : String(e)); process.exitCode = 1; });
