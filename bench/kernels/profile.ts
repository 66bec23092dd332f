// Where a training step's time goes, kernel by kernel: compiles a model's training program
// for one thread, runs it once for realistic memory contents, then times every WAT kernel
// alone (best wall time and mean CPU time of `runs` calls) and the whole step.
// Run: npx tsx bench/kernels/profile.ts [model] [runs] [train|infer] [batch] [--shares N] [--fma]
//      (model: mnist-prelu, mode: train, batch: the model's fit.batchSize by default;
//       infer profiles the inference program that predict runs)
// --shares N also times each thread's share of every kernel when split N ways, one share at
// a time on this thread, as best wall time (a few runs' mean CPU time wanders too much on a
// shared machine): the largest share bounds that kernel on N threads, so the sum of the
// largest shares is the step's time on N threads with perfect barriers and no memory
// contention, and a kernel whose largest share is close to its whole time is not split.
// --fma profiles the program's fused-multiply-add form (turning on relaxed SIMD in Node 20).

import * as path from 'node:path';
import { compileFile, fused } from '../../compiler/pipeline';
import { generateCpuProgram } from '../../compiler/package/cpu';
import { loadAssembler } from '../../compiler/codegen/cpu/wat/module';
import { ProgramRunner } from '../../runtime/backends/cpu/program-runner';
import { nodePools } from '../../runtime/backends/cpu/threads';
import { enableRelaxedSimd } from '../../runtime/backends/cpu/engine';
import { timeRuns } from './timing';

type Kernel = (tid: number, nth: number) => void;

async function main(): Promise<void> {
  const model = process.argv[2] ?? 'mnist-prelu';
  const runs = Number(process.argv[3] ?? 5);
  const compiled = compileFile(path.join(__dirname, '..', '..', 'models', `${model}.ts`));
  if (!compiled.ok) throw new Error(compiled.diagnostics.join('\n'));
  await loadAssembler();
  const mode = process.argv[4] === 'infer' ? 'infer' : 'train';
  const batch = Number(process.argv[5] ?? compiled.model.spec.fit.batchSize);
  const fusion = fused(compiled.model)[mode];
  const generated = generateCpuProgram(fusion, mode, batch, mode === 'train' ? compiled.model.spec.optimizer : null, 'profile.wasm');
  const program = generated.source;
  const fma = process.argv.includes('--fma');
  if (fma) enableRelaxedSimd();
  if (fma && generated.fmaWasm === null) throw new Error('the program has no multiply-add to fuse');
  const module = new WebAssembly.Module((fma ? generated.fmaWasm : generated.wasm) as Uint8Array<ArrayBuffer>);
  const ops = new Map(fusion.graph.nodes.map((n) => [n.id, n.op]));
  // Kernel `k<i>` (and its `_phase` helpers) is fused kernel i: name it by its anchor or first ops.
  const describe = (name: string): string => {
    const k = fusion.kernels[Number(/^k(\d+)/.exec(name)?.[1] ?? -1)];
    if (!k) return '';
    const anchor = k.anchor === null ? null : ops.get(k.anchor);
    return anchor ? `${anchor} + ${k.nodes.length - 1} fused` : k.nodes.map((id) => ops.get(id)).slice(0, 3).join(',') + (k.nodes.length > 3 ? ',...' : '');
  };
  const runner = ProgramRunner.create(generated.program, module, { threads: 1, pools: nodePools });
  // Small deterministic values everywhere but the barrier and constants, then one real step.
  const f32 = new Float32Array(runner.memory.buffer);
  for (let i = 64; i < f32.length; i++) f32[i] = (((i * 2654435761) >>> 0) % 2000) / 1e5 - 0.01;
  for (const c of program.constants) runner.view(c.offset, c.count).fill(c.value);
  runner.run(1);
  const instance = new WebAssembly.Instance(module, { env: { memory: runner.memory } });
  const sharesArg = process.argv.indexOf('--shares');
  const shares = sharesArg > 0 ? Number(process.argv[sharesArg + 1]) : 0;
  const rows: { name: string; wall: number; cpu: number; largestShare: number }[] = [];
  for (const step of program.steps) {
    if (step.kind !== 'wasm') continue;
    for (const name of step.kernels) {
      const fn = instance.exports[name] as Kernel;
      const t = timeRuns(() => fn(0, 1), runs);
      const shareTimes = [...Array(shares).keys()].map((tid) => timeRuns(() => fn(tid, shares), runs).bestWallMs);
      rows.push({ name, wall: t.bestWallMs, cpu: t.meanCpuMs, largestShare: Math.max(0, ...shareTimes) });
    }
  }
  const whole = timeRuns(() => runner.run(1), runs);
  const sumWall = rows.reduce((s, r) => s + r.wall, 0);
  const sumCpu = rows.reduce((s, r) => s + r.cpu, 0);
  console.log(`${model}, ${mode === 'train' ? 'training step' : 'inference'}, batch ${batch}, 1 thread, ${fma ? 'fused' : 'exact'} form: each kernel alone, best wall ms | mean CPU ms of ${runs} runs`);
  for (const r of [...rows].sort((a, b) => b.cpu - a.cpu)) {
    const share = shares > 0 ? `${r.largestShare.toFixed(2).padStart(9)} (${(r.wall / Math.max(r.largestShare, 1e-6)).toFixed(2)}x)` : '';
    console.log(`${`${r.name} ${describe(r.name)}`.slice(0, 48).padEnd(48)}${r.wall.toFixed(2).padStart(9)}${r.cpu.toFixed(2).padStart(9)}${(100 * r.cpu / sumCpu).toFixed(1).padStart(7)}%${share}`);
  }
  if (shares > 0) {
    const bound = rows.reduce((s, r) => s + r.largestShare, 0);
    console.log(`${`sum of largest shares of ${shares}`.padEnd(48)}${bound.toFixed(1).padStart(9)}   bound on ${shares} threads: ${(sumWall / bound).toFixed(2)}x the sum of kernels`);
  }
  console.log(`${'sum of wasm kernels'.padEnd(48)}${sumWall.toFixed(1).padStart(9)}${sumCpu.toFixed(1).padStart(9)}`);
  console.log(`${'whole step (wasm + JS steps + masks)'.padEnd(48)}${whole.bestWallMs.toFixed(1).padStart(9)}${whole.meanCpuMs.toFixed(1).padStart(9)}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
