// One GPU program of a compiled model, loaded: its kernel file parsed and its kernels
// compiled with gpu.js, then its steps run in order on a batch. Values stay textures
// between kernels (pipeline mode); the caller reads back only what it needs.

import type { GPU } from 'gpu.js';
import type { CompiledModelFiles, GpuKernel, GpuProgram, GpuStep } from '../../../format/manifest';
import { Rng } from '../../../format/rng';
import { compileUpdateKernels, programUpdateSources, type UpdateKernels } from './optimizer';
import { compileGpuKernel, parseGpuKernels, type CompiledGpuKernel, type GpuValue } from './kernels';

/** What a run is fed: the batch's data, the params' current values, this run's mask seed. */
export interface ProgramFeeds {
  readonly x: Float32Array;
  readonly labels: Float32Array;
  readonly param: (name: string) => GpuValue;
  readonly seed: number;
}

export interface LoadedGpuProgram {
  readonly program: GpuProgram;
  /** Per param, in param order: its compiled update kernels (training programs), else null. */
  readonly update: readonly UpdateKernels[] | null;
  /** Runs every step; returns the named outputs (loss, probs, grad:<param>). */
  run(feeds: ProgramFeeds): ReadonlyMap<string, GpuValue>;
  destroy(): void;
}

/** Throws, naming the program's file, when a step refers to a kernel or value it cannot have. */
function checkSteps(program: GpuProgram, kernels: readonly GpuKernel[]): void {
  const defined = new Set<number>();
  const fail = (why: string): never => { throw new Error(`${program.file}: ${why}`); };
  for (const s of program.steps) {
    const reads = s.kind === 'kernel' ? s.inputs : s.kind === 'alias' ? [s.input] : [];
    const missing = reads.find((v) => !defined.has(v));
    if (missing !== undefined) fail(`value ${missing} is read before it is made`);
    if (s.kind === 'kernel') {
      const k = kernels[s.kernel];
      if (!k) fail(`step for value ${s.value} names kernel ${s.kernel} of ${kernels.length}`);
      else if (k.args.length !== s.inputs.length) fail(`kernel ${s.kernel} takes ${k.args.length} inputs, its step gives ${s.inputs.length}`);
    }
    if (s.kind === 'input' && s.name !== 'x' && s.name !== 'labels') fail(`unknown input '${s.name}'`);
    defined.add(s.value);
  }
  for (const [name, v] of Object.entries(program.outputs)) if (!defined.has(v)) fail(`output ${name} is never made`);
  for (const u of program.update ?? []) if (![...u.slots, u.param].every((i) => kernels[i])) fail('an update kernel index is out of range');
}

/** The program's kernels and steps from `model`'s files, compiled on `gpu`. */
export function loadGpuProgram(gpu: GPU, model: CompiledModelFiles, program: GpuProgram): LoadedGpuProgram {
  const bytes = model.files.get(program.file);
  if (!bytes) throw new Error(`the compiled model lacks ${program.file}`);
  const sources = parseGpuKernels(bytes, program.file);
  checkSteps(program, sources);
  const used = new Set(program.steps.flatMap((s) => (s.kind === 'kernel' ? [s.kernel] : [])));
  const compiled = new Map<number, CompiledGpuKernel>([...used].map((i) => [i, compileGpuKernel(gpu, sources[i])]));
  // `== null`: a manifest of an older nnc has no `update` (its field was `adam`).
  const update = program.update == null ? null : programUpdateSources(model.manifest, program.file, program.update, sources).map((u) => compileUpdateKernels(gpu, u));
  // Constants never change: fill them once.
  const constants = new Map(program.steps.flatMap((s) => (s.kind === 'constant' ? [[s.value, new Float32Array(s.count).fill(s.fill)] as const] : [])));

  const run = (feeds: ProgramFeeds): ReadonlyMap<string, GpuValue> => {
    const values = new Map<number, GpuValue>();
    const get = (v: number): GpuValue => values.get(v) as GpuValue; // checkSteps: made before read
    const rng = new Rng(feeds.seed);
    const valueOf = (s: GpuStep): GpuValue => {
      switch (s.kind) {
        case 'input': return s.name === 'x' ? feeds.x : feeds.labels;
        case 'param': return feeds.param(s.name);
        case 'constant': return constants.get(s.value) as Float32Array;
        case 'mask': {
          const mask = new Float32Array(s.count);
          rng.fillMask(mask, s.rate, 1 / (1 - s.rate));
          return mask;
        }
        case 'kernel': return (compiled.get(s.kernel) as CompiledGpuKernel).run(s.inputs.map(get));
        case 'alias': return get(s.input);
      }
    };
    for (const s of program.steps) values.set(s.value, valueOf(s));
    return new Map(Object.entries(program.outputs).map(([name, v]) => [name, get(v)]));
  };

  return {
    program,
    update,
    run,
    destroy() {
      for (const k of compiled.values()) k.destroy();
      for (const u of update ?? []) u.destroy();
    },
  };
}
