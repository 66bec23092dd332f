// GEMM throughput on the seed model's contraction shapes (batch 250), 1 and 2 threads.
// Run: npx tsx bench/kernels/gemm.ts [runs]
// Each figure is the best of `runs` timed calls (wall clock), after one warm-up call:
// the best time is the least disturbed by other processes on a shared machine.

import { emitGemm, gemmFlops, type GemmParams } from '../../compiler/codegen/cpu/wat/gemm';
import { assembleWat, moduleText, sharedMemory } from '../../compiler/codegen/cpu/wat/module';
import { ThreadPool } from '../../runtime/backends/cpu/threads';

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

async function measure(s: Shape, threads: readonly number[], runs: number): Promise<number[]> {
  const { p, bytes } = params(s);
  const pages = Math.ceil(bytes / 65536) + 1;
  const memory = sharedMemory(pages);
  const module = await WebAssembly.compile(await assembleWat(moduleText({ functions: [emitGemm(p)], pages })));
  const f32 = new Float32Array(memory.buffer);
  for (let i = 0; i < f32.length; i++) f32[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const out: number[] = [];
  for (const t of threads) {
    const pool = await ThreadPool.create(module, memory, t);
    pool.run('gemm');
    let best = Infinity;
    for (let r = 0; r < runs; r++) {
      const t0 = process.hrtime.bigint();
      pool.run('gemm');
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    pool.dispose();
    out.push(gemmFlops(p) / best / 1e9);
  }
  return out;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 10);
  const threads = [1, 2];
  console.log(`GEMM GFLOP/s, best of ${runs} (wasm simd, f32)`);
  console.log(`${'shape'.padEnd(26)}${'M'.padStart(8)}${'N'.padStart(6)}${'K'.padStart(8)}${threads.map((t) => `${t} thr`.padStart(9)).join('')}   ms@2`);
  let total = 0;
  for (const s of SEED_GEMMS) {
    const g = await measure(s, threads, runs);
    const ms = gemmFlops(s) / (g[1] * 1e9) * 1e3;
    total += ms;
    console.log(`${s.label.padEnd(26)}${String(s.m).padStart(8)}${String(s.n).padStart(6)}${String(s.k).padStart(8)}${g.map((v) => v.toFixed(1).padStart(9)).join('')}   ${ms.toFixed(1)}`);
  }
  console.log(`total time of these GEMMs on 2 threads: ${total.toFixed(1)} ms`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
