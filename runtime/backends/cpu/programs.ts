// The CPU programs of a compiled model, by mode and batch size, each instantiated the first
// time a call needs it (a batch size never used costs nothing but its bytes), and the plan
// for running an inference batch no program was compiled for.

import type { CompiledModelFiles, CpuProgram, ProgramMode } from '../../../format/manifest';
import { EngineError } from '../../engine';
import { ProgramRunner, type RunnerOptions } from './program-runner';
import { programFile } from './multiply-add';

export class ProgramSet {
  private readonly runners = new Map<CpuProgram, ProgramRunner>();

  /** `fused`: run each program's relaxed-SIMD form where it has one (multiply-add.ts decides). */
  constructor(private readonly model: CompiledModelFiles, private readonly opts: RunnerOptions, readonly fused = false) {
    const missing = model.manifest.cpu.filter((p) => !model.files.has(p.file)).map((p) => p.file);
    if (missing.length > 0) throw new EngineError(`${modelLabel(model)} is missing ${missing.join(', ')}; rebuild it with nnc build`);
  }

  /** Batch sizes with a program of `mode`, ascending. */
  batches(mode: ProgramMode): number[] {
    return this.model.manifest.cpu.filter((p) => p.mode === mode).map((p) => p.batch).sort((a, b) => a - b);
  }

  find(mode: ProgramMode, batch: number): CpuProgram | undefined {
    return this.model.manifest.cpu.find((p) => p.mode === mode && p.batch === batch);
  }

  /** The program's runner, instantiating its module on first use. */
  runner(program: CpuProgram): ProgramRunner {
    let r = this.runners.get(program);
    if (!r) {
      const bytes = this.model.files.get(programFile(this.model, program, this.fused)) as Uint8Array;
      // One example is too little work to share: waking workers costs more than it saves
      // (the result is the same on any thread count).
      const threads = program.batch === 1 ? 1 : this.opts.threads;
      r = ProgramRunner.create(program, new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { ...this.opts, threads });
      this.runners.set(program, r);
    }
    return r;
  }

  /** Stops every program's threads, and the provider's (a browser engine's shared workers). */
  dispose(): void {
    for (const r of this.runners.values()) r.dispose();
    this.runners.clear();
    this.opts.pools.dispose();
  }
}

/** How the compiled model is named in messages: its folder, as nnc build names it. */
export function modelLabel(model: CompiledModelFiles): string {
  return `${model.manifest.name}.nnc`;
}

/** Rows [start, start + count) run through the program of `batch` (>= count: the rest is zero padding). */
export interface Chunk {
  readonly start: number;
  readonly count: number;
  readonly batch: number;
}

/**
 * How to run `n` inference rows on programs of `batches`: chunks of the largest batch <= n,
 * then the remainder by its own program, else padded with zeros into the smallest larger
 * program (there always is one: the chunks' batch is larger). Rows are independent in
 * inference, so every plan gives the same values. Null when there are no programs at all.
 */
export function inferencePlan(batches: readonly number[], n: number): Chunk[] | null {
  if (n <= 0) return [];
  if (batches.includes(n)) return [{ start: 0, count: n, batch: n }];
  const chunks: Chunk[] = [];
  const fit = Math.max(...batches.filter((b) => b <= n));
  let start = 0;
  if (Number.isFinite(fit)) for (; start + fit <= n; start += fit) chunks.push({ start, count: fit, batch: fit });
  const rest = n - start;
  if (rest === 0) return chunks;
  const pad = Math.min(...batches.filter((b) => b > rest));
  if (batches.includes(rest)) chunks.push({ start, count: rest, batch: rest });
  else if (Number.isFinite(pad)) chunks.push({ start, count: rest, batch: pad });
  else return null;
  return chunks;
}
