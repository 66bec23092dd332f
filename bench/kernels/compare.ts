// Interleaved best-of-many single-thread timings of the seed's conv kernels next to the
// plain GEMM, to compare variants on a loaded machine (every kernel sees the same noise).
// Run: [ROUNDS=100] [MBS=1] npx tsx bench/kernels/compare.ts [batch] [tile, e.g. 4x8]
// MBS scales the 1 MiB layout unit; batch 250 needs MBS=16.
import { emitGemm, gemmFlops } from '../../compiler/codegen/cpu/wat/gemm';
import { emitConv2d } from '../../compiler/codegen/cpu/wat/conv-forward';
import { emitConv2dBackpropFilter } from '../../compiler/codegen/cpu/wat/conv-backprop-filter';
import { emitConv2dBackpropInput, conv2dBackpropInputScratchBytes } from '../../compiler/codegen/cpu/wat/conv-backprop-input';
import { convFlops, type Conv2dGeometry } from '../../compiler/codegen/cpu/wat/conv-geometry';
import { assembleWat, moduleText, sharedMemory, type WatFunction } from '../../compiler/codegen/cpu/wat/module';

const MB = Number(process.env.MBS ?? 1) << 20;
async function kernel(fns: WatFunction[], bytes: number): Promise<() => void> {
  const pages = Math.ceil(bytes / 65536) + 1;
  const mem = sharedMemory(pages);
  const inst = await WebAssembly.instantiate(await WebAssembly.compile(await assembleWat(moduleText({ functions: fns, pages }))), { env: { memory: mem } });
  const f32 = new Float32Array(mem.buffer);
  for (let i = 0; i < f32.length; i++) f32[i] = (i % 17) / 17 - 0.5;
  const calls = fns.map((f) => inst.exports[f.name] as (t: number, n: number) => void);
  return () => { for (const c of calls) c(0, 1); };
}

(async () => {
  const batch = Number(process.argv[2] ?? 10);
  const tile = process.argv[3] ? { rows: Number(process.argv[3].split('x')[0]), cols: Number(process.argv[3].split('x')[1]) } : undefined;
  const g2: Conv2dGeometry = { batch, height: 13, width: 13, channels: 32, filters: 64, kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: 'valid' };
  const g1: Conv2dGeometry = { ...g2, height: 28, width: 28, channels: 1, filters: 32 };
  const m = batch * 121;
  const entries: [string, () => void, number][] = [
    ['gemm NN 121b x288x64', await kernel([emitGemm({ name: 'g', m, n: 64, k: 288, aOffset: 0, lda: 288, transposeA: false, bOffset: 8 * MB, ldb: 64, transposeB: false, cOffset: 9 * MB, ldc: 64, accumulate: false })], 16 * MB), gemmFlops({ m, n: 64, k: 288 })],
    ['conv2 fwd', await kernel(emitConv2d({ ...g2, name: 'c', xOffset: 0, kernelOffset: 4 * MB, yOffset: 5 * MB, scratchOffset: 0, tile }), 16 * MB), convFlops(g2)],
    ['conv2 dW', await kernel(emitConv2dBackpropFilter({ ...g2, name: 'c', xOffset: 0, dyOffset: 4 * MB, dwOffset: 8 * MB, scratchOffset: 0, tile }), 16 * MB), convFlops(g2)],
    ['conv2 dX', await kernel(emitConv2dBackpropInput({ ...g2, name: 'c', dyOffset: 0, kernelOffset: 4 * MB, dxOffset: 5 * MB, scratchOffset: 8 * MB, tile }), 8 * MB + conv2dBackpropInputScratchBytes(g2)), convFlops(g2)],
    ['conv1 fwd', await kernel(emitConv2d({ ...g1, name: 'c', xOffset: 0, kernelOffset: 4 * MB, yOffset: 5 * MB, scratchOffset: 0, tile }), 32 * MB), convFlops(g1)],
    ['conv1 dW', await kernel(emitConv2dBackpropFilter({ ...g1, name: 'c', xOffset: 0, dyOffset: 4 * MB, dwOffset: 30 * MB, scratchOffset: 0, tile }), 32 * MB), convFlops(g1)],
  ];
  const best = entries.map(() => Infinity);
  for (let r = 0; r < Number(process.env.ROUNDS ?? 100); r++) entries.forEach(([, run], i) => { const t0 = process.hrtime.bigint(); run(); best[i] = Math.min(best[i], Number(process.hrtime.bigint() - t0) / 1e9); });
  entries.forEach(([label, , flops], i) => console.log(label.padEnd(24), (flops / best[i] / 1e9).toFixed(1), 'GFLOP/s', (best[i] * 1e3).toFixed(2), 'ms'));
})();
