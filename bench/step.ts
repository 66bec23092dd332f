// npm run bench: the seed models' training step (batch 250: forward, backward, Adam) in nnc
// and in PyTorch, in the same run, side by side, as ms/step and ratios. A benchmark, not a
// test: run it on a quiet machine; every figure is a median of timed steps after warm-up.
//   npm run bench -- [--steps N] [--warmup N] [--backend cpu|gpu] [--threads N] [--no-peer] [--save FILE]
// On the CPU it times nnc on 1 thread and on --threads (default: every core), in the exact
// form and, where relaxed SIMD can run, the fused-multiply-add form; PyTorch on the same
// thread counts; nnc's configurations alternate step by step. Shares of peak are of the
// one-core micro-kernel peak measured here (peak.ts).
// --save writes the figures with the machine they came from and re-renders the README's tables
// (docs/results/bench-step.json feeds its speed table).
//   npm run bench -- --inference [...]: inference against onnxruntime instead (bench/inference.ts)

import { availableParallelism, cpus, loadavg } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { compile } from '../compiler/pipeline';
import type { CompiledModelFiles } from '../format/manifest';
import { createEngine, type CompiledBackendName } from '../runtime/backends/index';
import type { FmaChoice } from '../runtime/backends/cpu/multiply-add';
import { enableRelaxedSimd } from '../runtime/backends/cpu/engine';
import { currentTables, provenance, renderReadme, type BenchResult, type StepConfigResult } from '../scripts/results-tables';
import { measurePeak, type Peak } from './peak';
import { timeTorch, type Timing } from './peer/torch';

const BATCH = 250;
/** Floating-point work of one PReLU training step at batch 250 (convolutions and GEMMs dominate). */
const GFLOP_PER_STEP = 4.256;

function median(xs: number[]): Timing {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0] };
}

interface Config { readonly threads: number; readonly fma: FmaChoice }

/**
 * Median ms per step of each configuration, its engines alternating five steps at a time
 * after `warmup` steps each, so that a slower spell of a shared machine falls on all alike.
 */
async function timeNnc(compiled: CompiledModelFiles, backend: CompiledBackendName, configs: readonly Config[], steps: number, warmup: number): Promise<Timing[]> {
  const engines = await Promise.all(configs.map((c) => createEngine(compiled, { backend, seed: 1, threads: c.threads, fma: c.fma })));
  const x = new Float32Array(BATCH * engines[0].inputSize);
  for (let i = 0; i < x.length; i++) x[i] = (i * 2654435761 % 1000) / 1000;
  const labels = new Float32Array(BATCH * engines[0].labelSize);
  for (let i = 0; i < BATCH; i++) labels[i * 10 + (i % 10)] = 1;
  const times: number[][] = configs.map(() => []);
  engines.forEach((e) => { for (let s = 0; s < warmup; s++) e.trainStep(x, labels, BATCH, s); });
  for (let done = 0; done < steps; done += 5) {
    engines.forEach((e, k) => {
      for (let s = done; s < Math.min(steps, done + 5); s++) {
        const t = performance.now();
        e.trainStep(x, labels, BATCH, warmup + s);
        times[k].push(performance.now() - t);
      }
    });
  }
  for (const e of engines) e.dispose();
  return times.map(median);
}

/** nnc's configurations: 1 thread and `threads`, exact; `threads` fused where it runs. */
function configs(threads: number, backend: CompiledBackendName, fused: boolean): Config[] {
  if (backend === 'gpu') return [{ threads, fma: 'off' }];
  const counts = threads === 1 ? [1] : [1, threads];
  return [...counts.map((t): Config => ({ threads: t, fma: 'off' })), ...(fused ? [{ threads, fma: 'on' as const }] : [])];
}

function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  return rows.map((r) => r.map((c, k) => c.padEnd(widths[k])).join('  ')).join('\n');
}

function shareOfPeak(ms: number, c: Config, peak: Peak): string {
  const perCore = c.fma === 'on' ? peak.fused ?? peak.exact : peak.exact;
  const gflops = GFLOP_PER_STEP / (ms / 1000);
  return `${gflops.toFixed(1)} (${((100 * gflops) / (perCore * c.threads)).toFixed(0)}%)`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { steps: { type: 'string' }, warmup: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' }, 'no-peer': { type: 'boolean' }, 'no-fma': { type: 'boolean' }, save: { type: 'string' } } });
  const steps = Number(values.steps ?? 10);
  const warmup = Number(values.warmup ?? 2);
  const backend = (values.backend ?? 'cpu') as CompiledBackendName;
  const threads = Number(values.threads ?? availableParallelism());
  const startLoad = loadavg()[0];
  const fusedRuns = backend === 'cpu' && values['no-fma'] !== true;
  if (fusedRuns) enableRelaxedSimd();
  const peak = await measurePeak();
  console.log(`nnc step benchmark: batch ${BATCH}, ${steps} timed steps after ${warmup} warm-up, backend ${backend}`);
  console.log(`machine: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}, load ${startLoad.toFixed(1)}`);
  console.log(`peak of one core (12-accumulator f32x4 micro-kernel): exact ${peak.exact.toFixed(1)} GFLOP/s, fused ${peak.fused === null ? 'not available without relaxed SIMD' : `${peak.fused.toFixed(1)} GFLOP/s`}`);
  const rows: string[][] = [['model', 'threads', 'form', 'nnc ms/step', 'PyTorch ms/step', 'nnc images/s vs PyTorch', 'nnc GFLOP/s (share of peak)']];
  const saved: { model: string; nncMs: number; peerMs: number | null; configs: StepConfigResult[] }[] = [];
  for (const m of ['prelu', 'relu']) {
    const built = await compile(path.join(__dirname, '..', 'models', `mnist-${m}.ts`), { gpu: backend === 'gpu' });
    if (!built.ok) throw new Error(built.diagnostics.join('\n'));
    const peers = new Map<number, Timing | string>();
    const results: StepConfigResult[] = [];
    const runs = configs(threads, backend, fusedRuns);
    const timings = await timeNnc(built.compiled, backend, runs, steps, warmup);
    runs.forEach((c, k) => {
      const nnc = timings[k];
      if (!peers.has(c.threads)) peers.set(c.threads, values['no-peer'] ? 'peer not run (--no-peer)' : timeTorch(m, steps, warmup, c.threads));
      const peer = peers.get(c.threads) as Timing | string;
      const peerMs = typeof peer === 'string' ? null : peer.median;
      results.push({ threads: c.threads, fused: c.fma === 'on', nncMs: nnc.median, peerMs });
      rows.push([`mnist-${m}`, String(c.threads), c.fma === 'on' ? 'fused' : 'exact', nnc.median.toFixed(1), typeof peer === 'string' ? peer : peer.median.toFixed(1),
        peerMs === null ? '-' : `${(peerMs / nnc.median).toFixed(2)}x`, shareOfPeak(nnc.median, c, peak)]);
    });
    const main = results.find((r) => r.threads === threads && !r.fused) ?? results[0];
    saved.push({ model: `mnist-${m}`, nncMs: main.nncMs, peerMs: main.peerMs, configs: results });
  }
  console.log(table(rows));
  console.log(summary(saved, threads));
  if (values.save) {
    const result: BenchResult = { provenance: provenance(`npm run bench -- --steps ${steps} --warmup ${warmup}`, threads), load: startLoad, peak, rows: saved };
    writeFileSync(values.save, JSON.stringify(result, null, 1) + '\n');
    const readme = path.join(__dirname, '..', 'README.md');
    writeFileSync(readme, renderReadme(readFileSync(readme, 'utf8'), currentTables()));
    console.log(`Wrote ${values.save} and the README's tables`);
  }
  console.log(`(GFLOP/s counts ${GFLOP_PER_STEP} GFLOP per step for both models; a share is of the one-core peak above times the threads, in the row's form.)`);
}

function summary(saved: readonly { model: string; configs: readonly StepConfigResult[] }[], threads: number): string {
  const at = (model: string, t: number, fused: boolean): number | undefined => saved.find((s) => s.model === model)?.configs.find((c) => c.threads === t && c.fused === fused)?.nncMs;
  const lines: string[] = [];
  const one = at('mnist-prelu', 1, false);
  const many = at('mnist-prelu', threads, false);
  if (one !== undefined && many !== undefined && threads > 1) lines.push(`PReLU step on ${threads} threads: ${(one / many).toFixed(2)}x the speed of 1 thread`);
  const fused = at('mnist-prelu', threads, true);
  if (fused !== undefined && many !== undefined) lines.push(`fused form: ${(many / fused).toFixed(2)}x the exact form's speed`);
  const prelu = many ?? one;
  const relu = at('mnist-relu', threads, false) ?? at('mnist-relu', 1, false);
  if (prelu !== undefined && relu !== undefined) lines.push(`PReLU over ReLU: nnc ${((prelu / relu - 1) * 100).toFixed(0)}% slower`);
  return lines.join('\n');
}

// `npm run bench -- --inference`: inference against onnxruntime instead (bench/inference.ts).
const run = process.argv.includes('--inference')
  ? (require('./inference') as typeof import('./inference')).main(process.argv.slice(2).filter((a) => a !== '--inference'))
  : main();
run.catch((e: unknown) => { console.error(e instanceof Error ? e.message : String(e)); process.exitCode = 1; });
