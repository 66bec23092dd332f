// Thread split of GEMM: rows of C ('m') or columns ('n'), on 2 threads, for the seed's
// shapes where both are possible. Run: npx tsx bench/kernels/split.ts [runs]
import { emitGemm, gemmFlops, type GemmParams } from '../../compiler/codegen/cpu/wat/gemm';
import { assembleWat, moduleText, sharedMemory } from '../../compiler/codegen/cpu/wat/module';
import { ThreadPool } from '../../runtime/backends/cpu/threads';
import { gflops, timeRuns } from './timing';

const SHAPES = [
  { label: 'conv2 dW (A^T B)', m: 288, n: 64, k: 30250, ta: true },
  { label: 'dense1 dW (A^T B)', m: 1600, n: 256, k: 250, ta: true },
  { label: 'dense1 fwd', m: 250, n: 256, k: 1600, ta: false },
];

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 8);
  for (const s of SHAPES) {
    const cells: string[] = [];
    for (const split of ['m', 'n'] as const) {
      const aBytes = 4 * s.m * s.k, bBytes = 4 * s.k * s.n;
      const p: GemmParams = { name: 'g', m: s.m, n: s.n, k: s.k, aOffset: 0, lda: s.ta ? s.m : s.k, transposeA: s.ta, bOffset: aBytes, ldb: s.n, transposeB: false,
        cOffset: aBytes + bBytes, ldc: s.n, accumulate: false, tuning: { split } };
      const pages = Math.ceil((aBytes + bBytes + 4 * s.m * s.n) / 65536) + 1;
      const memory = sharedMemory(pages);
      const module = await WebAssembly.compile(await assembleWat(moduleText({ functions: [emitGemm(p)], pages })));
      new Float32Array(memory.buffer).fill(0.5);
      const pool = await ThreadPool.create(module, memory, 2);
      const t = timeRuns(() => pool.run('g'), runs);
      pool.dispose();
      cells.push(`split ${split}: ${gflops(gemmFlops(s), t.bestWallMs).toFixed(1)} | ${gflops(gemmFlops(s), t.meanCpuMs).toFixed(1)}`);
    }
    console.log(s.label.padEnd(20), cells.join('   '));
  }
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.message : String(e)); process.exit(1); });
