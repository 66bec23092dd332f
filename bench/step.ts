// npm run bench: the seed models' training step (batch 250: forward, backward, Adam) in nnc
// and in PyTorch, in the same run, side by side, as ms/step and ratios. A benchmark, not a
// test: run it on a quiet machine; every figure is a median of timed steps after warm-up.
//   npm run bench -- [--steps N] [--warmup N] [--backend cpu|gpu] [--threads N] [--no-peer] [--save FILE]
// --save writes the figures with the machine they came from (docs/results/bench-step.json feeds
// the README's speed table).
//   npm run bench -- --inference [...]: inference against onnxruntime instead (bench/inference.ts)

import { availableParallelism, loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { compile } from '../compiler/pipeline';
import { createEngine, type CompiledBackendName } from '../runtime/backends/index';
import { provenance, type BenchResult } from '../scripts/results-tables';
import { writeFileSync } from 'node:fs';

const BATCH = 250;
/** Floating-point work of one PReLU training step at batch 250 (convolutions and GEMMs dominate). */
const GFLOP_PER_STEP = 4.256;
/** One core's WAT f32x4 GEMM on the seed's shapes (bench/kernels/gemm.ts, idle machine): the practical peak. */
const GFLOPS_PER_CORE = 46;

interface Timing { readonly median: number; readonly min: number }

function median(xs: number[]): Timing {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0] };
}

async function timeNnc(model: string, backend: CompiledBackendName, steps: number, warmup: number): Promise<Timing> {
  const built = await compile(path.join(__dirname, '..', 'models', `${model}.ts`), { gpu: backend === 'gpu' });
  if (!built.ok) throw new Error(built.diagnostics.join('\n'));
  const engine = await createEngine(built.compiled, { backend, seed: 1 });
  const x = new Float32Array(BATCH * engine.inputSize);
  for (let i = 0; i < x.length; i++) x[i] = (i * 2654435761 % 1000) / 1000;
  const labels = new Float32Array(BATCH * engine.labelSize);
  for (let i = 0; i < BATCH; i++) labels[i * 10 + (i % 10)] = 1;
  const times: number[] = [];
  for (let s = 0; s < warmup + steps; s++) {
    const t = performance.now();
    engine.trainStep(x, labels, BATCH, s);
    if (s >= warmup) times.push(performance.now() - t);
  }
  engine.dispose();
  return median(times);
}

function timeTorch(model: string, steps: number, warmup: number, threads: number): Timing | string {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return 'peer not run: /usr/bin/python3 is missing';
  const script = path.join(__dirname, 'peer', 'torch_step.py');
  const r = spawnSync(python, [script, '--model', model, '--steps', String(steps), '--warmup', String(warmup), '--threads', String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = /No module named 'torch'/.test(r.stderr) ? 'PyTorch is not installed (apt-get install python3-torch)' : r.stderr.trim().split('\n').pop();
    return `peer not run: ${why}`;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { ms_per_step: number };
  return { median: out.ms_per_step, min: out.ms_per_step };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { steps: { type: 'string' }, warmup: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' }, 'no-peer': { type: 'boolean' }, save: { type: 'string' } } });
  const steps = Number(values.steps ?? 10);
  const warmup = Number(values.warmup ?? 2);
  const backend = (values.backend ?? 'cpu') as CompiledBackendName;
  const threads = Number(values.threads ?? availableParallelism());
  const startLoad = loadavg()[0];
  console.log(`nnc step benchmark: batch ${BATCH}, ${steps} timed steps after ${warmup} warm-up, backend ${backend}, ${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)}`);
  const rows: string[][] = [['model', 'nnc ms/step', 'PyTorch ms/step', 'nnc speedup (images/s)', 'nnc GFLOP/s', 'share of peak']];
  const nncMs: Record<string, number> = {};
  const torchMs: Record<string, number> = {};
  const saved: { model: string; nncMs: number; peerMs: number | null }[] = [];
  for (const m of ['prelu', 'relu']) {
    const nnc = await timeNnc(`mnist-${m}`, backend, steps, warmup);
    const peer = values['no-peer'] ? 'peer not run (--no-peer)' : timeTorch(m, steps, warmup, threads);
    nncMs[m] = nnc.median;
    const gflops = GFLOP_PER_STEP / (nnc.median / 1000);
    const peerText = typeof peer === 'string' ? peer : peer.median.toFixed(1);
    if (typeof peer !== 'string') torchMs[m] = peer.median;
    saved.push({ model: `mnist-${m}`, nncMs: nnc.median, peerMs: typeof peer === 'string' ? null : peer.median });
    rows.push([`mnist-${m}`, nnc.median.toFixed(1), peerText, typeof peer === 'string' ? '-' : `${(peer.median / nnc.median).toFixed(2)}x`,
      gflops.toFixed(1), `${((100 * gflops) / (GFLOPS_PER_CORE * threads)).toFixed(0)}% of ${GFLOPS_PER_CORE * threads} GFLOP/s`]);
  }
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  for (const r of rows) console.log(r.map((c, k) => c.padEnd(widths[k])).join('  '));
  console.log(`PReLU over ReLU: nnc ${((nncMs.prelu / nncMs.relu - 1) * 100).toFixed(0)}% slower` +
    (torchMs.prelu && torchMs.relu ? `, PyTorch ${((torchMs.prelu / torchMs.relu - 1) * 100).toFixed(0)}% slower` : ''));
  if (values.save) {
    const result: BenchResult = { provenance: provenance(`npm run bench -- --steps ${steps} --warmup ${warmup}`, threads), load: startLoad, rows: saved };
    writeFileSync(values.save, JSON.stringify(result, null, 1) + '\n');
    console.log(`Wrote ${values.save}`);
  }
  console.log(`(GFLOP/s counts ${GFLOP_PER_STEP} GFLOP per step for both models; peak = ${GFLOPS_PER_CORE} GFLOP/s per core, nnc's WAT GEMM on the seed shapes, bench/kernels/gemm.ts.)`);
}

// `npm run bench -- --inference`: inference against onnxruntime instead (bench/inference.ts).
const run = process.argv.includes('--inference')
  ? (require('./inference') as typeof import('./inference')).main(process.argv.slice(2).filter((a) => a !== '--inference'))
  : main();
run.catch((e: unknown) => { console.error(e instanceof Error ? e.message : String(e)); process.exitCode = 1; });
