// What a run will allocate, estimated from the compiled model before anything is allocated:
// the CPU programs' memories (their size is fixed at compile time, a manifest's `pages`),
// the host's copies of the parameters and optimizer slots, the batch buffers and the data,
// and on the other backends what stands in for the programs (float64 values for the
// reference, textures for gpu.js). A run that cannot fit is refused in one line.

import * as os from 'os';
import type { CompiledModelFiles, Manifest, ProgramMode } from '../../format/manifest';
import { SizeLimitError, WASM_MAX_PAGES, WASM_PAGE_BYTES, formatBytes, optimizerSlots } from '../../format/limits';

export type EstimateBackend = 'cpu' | 'gpu' | 'reference';

export interface ProgramBytes {
  readonly mode: ProgramMode;
  readonly batch: number;
  readonly bytes: number;
}

export interface ResourceEstimate {
  readonly paramBytes: number;
  /** The optimizer's slots (Adam's m and v), on the host. */
  readonly slotBytes: number;
  /** The programs the run uses, each with its own memory (CPU: its WebAssembly memory). */
  readonly programs: readonly ProgramBytes[];
  /** Batch buffers and the examples in memory. */
  readonly dataBytes: number;
  readonly totalBytes: number;
}

export interface RunShape {
  readonly backend: EstimateBackend;
  /** Batch sizes the run trains and evaluates at (a missing inference size runs at 1). */
  readonly trainBatches: readonly number[];
  readonly inferBatches: readonly number[];
  /** Examples held in memory (train, validation and test), as float32. */
  readonly examples: number;
}

/** Every byte a run of `model` will hold at once, by part. */
export function estimateRun(model: CompiledModelFiles, run: RunShape): ResourceEstimate {
  const m = model.manifest;
  const paramBytes = m.paramCount * 4;
  const slotBytes = paramBytes * optimizerSlots(m.optimizer);
  const programs = usedPrograms(m, run).map((p) => ({ ...p, bytes: programBytes(model, p, run.backend) }));
  const biggestBatch = Math.max(1, ...run.trainBatches, ...run.inferBatches);
  const dataBytes = (run.examples + 2 * biggestBatch) * (m.io.inputSize + m.io.labelSize) * 4;
  // The reference engine holds float64 copies of the parameters and slots; the others float32.
  const hostScale = run.backend === 'reference' ? 2 : 1;
  const programTotal = programs.reduce((a, p) => a + p.bytes, 0);
  return { paramBytes, slotBytes, programs, dataBytes, totalBytes: (paramBytes + slotBytes) * hostScale + programTotal + dataBytes };
}

function usedPrograms(m: Manifest, run: RunShape): { mode: ProgramMode; batch: number }[] {
  const pick = (mode: ProgramMode, batches: readonly number[]): { mode: ProgramMode; batch: number }[] => {
    const compiled = new Set(m.cpu.filter((p) => p.mode === mode).map((p) => p.batch));
    const sizes = new Set(batches.map((b) => (mode === 'infer' && !compiled.has(b) ? 1 : b)));
    return [...sizes].map((batch) => ({ mode, batch }));
  };
  return [...pick('train', run.trainBatches), ...pick('infer', run.inferBatches)];
}

/**
 * A CPU program's memory is its manifest's `pages`. The reference backend evaluates the same
 * graph in float64: about twice the program's bytes. A gpu.js program keeps every kernel's
 * output as a texture.
 */
function programBytes(model: CompiledModelFiles, p: { mode: ProgramMode; batch: number }, backend: EstimateBackend): number {
  const cpu = model.manifest.cpu.find((q) => q.mode === p.mode && q.batch === p.batch);
  const cpuBytes = cpu === undefined ? 0 : cpu.pages * WASM_PAGE_BYTES;
  if (backend === 'reference') return 2 * cpuBytes;
  if (backend === 'gpu') {
    const gpu = model.manifest.gpu.find((q) => q.mode === p.mode && q.batch === p.batch);
    if (gpu !== undefined) return gpuTextureBytes(model, gpu.file);
  }
  return cpuBytes;
}

function gpuTextureBytes(model: CompiledModelFiles, file: string): number {
  const bytes = model.files.get(file);
  if (bytes === undefined) return 0;
  try {
    const kernels = JSON.parse(Buffer.from(bytes).toString('utf8')) as { output?: unknown }[];
    return kernels.reduce((a, k) => a + (Array.isArray(k.output) && typeof k.output[0] === 'number' ? k.output[0] * 4 : 0), 0);
  } catch {
    return 0; // the backend reports a damaged kernel file itself, in its own words
  }
}

/** Memory this process may use: the machine's, or its container's limit when lower. */
export function machineMemory(): number {
  const total = os.totalmem();
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : undefined;
  return constrained !== undefined && constrained > 0 && constrained < total ? constrained : total;
}

/** Throws SizeLimitError naming the first thing that cannot fit: a program over 4 GiB, or the run over `available`. */
export function checkEstimate(model: CompiledModelFiles, e: ResourceEstimate, available: number): void {
  for (const p of model.manifest.cpu) {
    if (!Number.isInteger(p.pages) || p.pages < 1 || p.pages > WASM_MAX_PAGES) {
      throw new SizeLimitError(`${p.file} asks for ${p.pages} pages of memory; a WebAssembly program has 1 to ${WASM_MAX_PAGES} (4 GiB)`, p.pages * WASM_PAGE_BYTES, WASM_MAX_PAGES * WASM_PAGE_BYTES, p);
    }
  }
  if (e.totalBytes > available) {
    throw new SizeLimitError(`the run needs about ${formatBytes(e.totalBytes)} of memory (${describeEstimate(e)}), more than the ${formatBytes(available)} this machine has`, e.totalBytes, available);
  }
}

/** `parameters 1.3 KiB, optimizer slots 2.6 KiB, programs: train 32 192 KiB, ...; data 20 KiB` */
export function describeEstimate(e: ResourceEstimate): string {
  const programs = e.programs.map((p) => `${p.mode} ${p.batch}: ${formatBytes(p.bytes)}`).join(', ');
  return `parameters ${formatBytes(e.paramBytes)}, optimizer slots ${formatBytes(e.slotBytes)}, programs ${programs || 'none'}, data ${formatBytes(e.dataBytes)}`;
}
