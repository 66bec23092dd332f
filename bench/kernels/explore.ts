// Scratch exploration of GEMM tilings (single thread, small in-cache shapes, interleaved
// runs, best time of many: robust on a loaded machine). Not part of the suite.
import { emitGemm, gemmFlops, type GemmParams, type GemmTuning } from '../../compiler/codegen/cpu/wat/gemm';
import { assembleWat, moduleText, sharedMemory } from '../../compiler/codegen/cpu/wat/module';

interface Shape { label: string; m: number; n: number; k: number; ta: boolean; tb: boolean }
const SHAPES: Shape[] = [
  { label: 'conv2 fwd NN', m: 1210, n: 64, k: 288, ta: false, tb: false },
  { label: 'conv2 dW TN', m: 288, n: 64, k: 1210, ta: true, tb: false },
  { label: 'conv2 dX NT', m: 1210, n: 288, k: 64, ta: false, tb: true },
  { label: 'dense fwd NN', m: 50, n: 256, k: 1600, ta: false, tb: false },
  { label: 'dense dW TN', m: 1600, n: 256, k: 50, ta: true, tb: false },
  { label: 'dense dX NT', m: 50, n: 1600, k: 256, ta: false, tb: true },
  { label: 'conv1 NN', m: 6760, n: 32, k: 9, ta: false, tb: false },
];

async function build(s: Shape, tuning: GemmTuning): Promise<{ run: () => void; flops: number }> {
  const aBytes = 4 * s.m * s.k, bBytes = 4 * s.k * s.n, cBytes = 4 * s.m * s.n;
  const p: GemmParams = {
    name: 'g', m: s.m, n: s.n, k: s.k, aOffset: 0, lda: s.ta ? s.m : s.k, transposeA: s.ta,
    bOffset: aBytes, ldb: s.tb ? s.k : s.n, transposeB: s.tb, cOffset: aBytes + bBytes, ldc: s.n, accumulate: false, tuning,
  };
  const pages = Math.ceil((aBytes + bBytes + cBytes) / 65536) + 1;
  const mem = sharedMemory(pages);
  const wasm = await assembleWat(moduleText({ functions: [emitGemm(p)], pages }));
  const inst = await WebAssembly.instantiate(await WebAssembly.compile(wasm), { env: { memory: mem } });
  const f32 = new Float32Array(mem.buffer);
  for (let i = 0; i < f32.length; i++) f32[i] = (i % 17) / 17 - 0.5;
  const g = inst.exports.g as (t: number, n: number) => void;
  return { run: () => g(0, 1), flops: gemmFlops(p) };
}

function parse(c: string): GemmTuning {
  const [rc, u] = c.split('u');
  const [r, co] = rc.split('x').map(Number);
  return { rows: r, cols: co, unroll: Number(u) };
}

(async () => {
  const configs = (process.argv[2] ?? '4x8u4').split(',');
  const only = process.argv[3];
  const dot = (process.argv[4] ?? '2x4u2').split(',');
  const rounds = Number(process.argv[5] ?? 100);
  for (const s of SHAPES) {
    if (only && !s.label.includes(only)) continue;
    const names = s.tb ? dot : configs;
    const kernels = await Promise.all(names.map((c) => build(s, parse(c))));
    const best = kernels.map(() => Infinity);
    for (let r = 0; r < rounds; r++) {
      kernels.forEach((k, i) => { const t0 = process.hrtime.bigint(); k.run(); best[i] = Math.min(best[i], Number(process.hrtime.bigint() - t0) / 1e9); });
    }
    console.log(s.label.padEnd(14), names.map((c, i) => `${c}=${(kernels[i].flops / best[i] / 1e9).toFixed(1)}`).join('  '));
  }
})();
