// GEMM throughput on the seed model's contraction shapes (batch 250), 1 and 2 threads.
// Run: npx tsx bench/kernels/gemm.ts [runs]
// For each thread count: GFLOP/s from the best wall-clock time of `runs` calls, and
// GFLOP/s per CPU-second (process CPU time, all threads): the second stays meaningful
// when other processes share the cores, and equal figures for 1 and 2 threads mean the
// split adds no work.

import { emitGemm, gemmFlops, type GemmParams } from '../../compiler/codegen/cpu/wat/gemm';
import { assembleWat, moduleText, sharedMemory } from '../../compiler/codegen/cpu/wat/module';
import { ThreadPool } from '../../runtime/backends/cpu/threads';
import { gflops, timeRuns, type Timing } from './timing';

interface Shape { readonly label: string; readonly m: number; readonly n: number; readonly k: number; readonly ta: boolean; readonly tb: boolean }

const B = 250;
export const SEED_GEMMS: readonly Shape[] = [
  { label: 'conv1 fwd (im2col)', m: B * 676, n: 32, k: 9, ta: false, tb: false },
  { label: 'conv1 dW  (im2col^T dy)', m: 9, n: 32, k: B * 676, ta: true, tb: false },
  { label: 'conv2 fwd (im2col)', m: B * 121, n: 64, k: 288, ta: false, tb: false },
  { label: 'conv2 dW  (im2col^T dy)', m: 288, n: 64, k: B * 121, ta: true, tb: false },
  { label: 'conv2 dX  (dy W^T)', m: B * 121, n: 288, k: 64, ta: false, tb: true },
  { label: 'dense1 fwd', m: B, n: 256, k: 1600, ta: false, tb: false },
  { label: 'dense1 dW (x^T dy)', m: 1600, n: 256, k: B, ta: true, tb: false },
  { label: 'dense1 dX (dy W^T)', m: B, n: 1600, k: 256, ta: false, tb: true },
  { label: 'dense2 fwd', m: B, n: 10, k: 256, ta: false, tb: false },
];

function params(s: Shape): { p: GemmParams; bytes: number } {
  const aBytes = 4 * s.m * s.k, bBytes = 4 * s.k * s.n, cBytes = 4 * s.m * s.n;
  const p: GemmParams = {
    name: 'gemm', m: s.m, n: s.n, k: s.k, aOffset: 0, lda: s.ta ? s.m : s.k, transposeA: s.ta,
    bOffset: aBytes, ldb: s.tb ? s.k : s.n, transposeB: s.tb, cOffset: aBytes + bBytes, ldc: s.n, accumulate: false,
  };
  return { p, bytes: aBytes + bBytes + cBytes };
}

async function measure(s: Shape, threads: readonly number[], runs: number): Promise<Timing[]> {
  const { p, bytes } = params(s);
  const pages = Math.ceil(bytes / 65536) + 1;
  const memory = sharedMemory(pages);
  const module = await WebAssembly.compile(await assembleWat(moduleText({ functions: [emitGemm(p)], pages })));
  const f32 = new Float32Array(memory.buffer);
  for (let i = 0; i < f32.length; i++) f32[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const out: Timing[] = [];
  for (const t of threads) {
    const pool = await ThreadPool.create(module, memory, t);
    out.push(timeRuns(() => pool.run('gemm'), runs));
    pool.dispose();
  }
  return out;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 10);
  const threads = [1, 2];
  console.log(`GEMM on the seed model's shapes (batch ${B}), wasm simd f32, best of ${runs} runs`);
  console.log('GFLOP/s by wall clock | by CPU time (per busy core); ms = best wall time on 2 threads');
  console.log(`${'shape'.padEnd(26)}${'M'.padStart(7)}${'N'.padStart(6)}${'K'.padStart(7)}${threads.map((t) => `${t} thr`.padStart(14)).join('')}${'ms'.padStart(8)}`);
  let total = 0;
  for (const s of SEED_GEMMS) {
    const ts = await measure(s, threads, runs);
    const f = gemmFlops(s);
    const ms = ts[ts.length - 1].bestWallMs;
    total += ms;
    const cells = ts.map((t) => `${gflops(f, t.bestWallMs).toFixed(1)} | ${gflops(f, t.meanCpuMs).toFixed(1)}`.padStart(14));
    console.log(`${s.label.padEnd(26)}${String(s.m).padStart(7)}${String(s.n).padStart(6)}${String(s.k).padStart(7)}${cells.join('')}${ms.toFixed(1).padStart(8)}`);
  }
  console.log(`sum of best times on 2 threads: ${total.toFixed(1)} ms`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
