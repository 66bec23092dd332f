// Size limits as the user meets them: a model or run too large for WebAssembly's 4 GiB or for
// this machine is refused before anything is allocated, in one line that names the flag
// (--batch-size) or the model at fault with the sizes; `nnc build` prints the estimate.

import type { CompiledModelFiles } from '../format/manifest';
import { SizeLimitError, WASM_MAX_BYTES, WASM_PAGE_BYTES, formatBytes, optimizerSlots } from '../format/limits';
import { type RunShape, checkEstimate, estimateRun, machineMemory } from '../runtime/train/resources';
import { UsageError } from './command';

/** Where a run's batch size came from: a flag the user gave (named in errors), or the model's fit settings. */
export interface BatchOrigin {
  readonly value: number;
  /** `--batch-size`, or null when the batch size is the model's own (or a resumed run's). */
  readonly flag: string | null;
}

/** The one line for a SizeLimitError: the flag when its batch size is at fault, else the model. */
export function sizeLimitMessage(e: SizeLimitError, modelArg: string, origin: BatchOrigin | null): string {
  const flagAtFault = origin !== null && origin.flag !== null && (e.program === undefined || e.program.batch === origin.value);
  return flagAtFault && origin !== null ? `${origin.flag} ${origin.value} is too large: ${e.message}` : `${modelArg}: ${e.message}`;
}

/** Runs `body`, turning a SizeLimitError into that one line. */
export async function explainSizeLimits<T>(modelArg: string, origin: BatchOrigin | null, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof SizeLimitError) throw new UsageError(sizeLimitMessage(e, modelArg, origin));
    throw e;
  }
}

/** Refuses a run whose memory would not fit this machine (or a program over 4 GiB), before allocating it. */
export function checkRunFits(modelArg: string, compiled: CompiledModelFiles, run: RunShape, origin: BatchOrigin | null): void {
  const estimate = estimateRun(compiled, run);
  try {
    checkEstimate(compiled, estimate, machineMemory());
  } catch (e) {
    if (!(e instanceof SizeLimitError)) throw e;
    // The batch size is at fault only when the batch-sized parts outweigh the parameters.
    const programs = estimate.programs.reduce((a, p) => a + p.bytes, 0) + estimate.dataBytes;
    const batchAtFault = e.program === undefined && programs > estimate.paramBytes + estimate.slotBytes;
    throw new UsageError(sizeLimitMessage(e, modelArg, batchAtFault ? origin : null));
  }
}

/** The estimate `nnc build` prints under its summary, Keras-style sizes in bytes. */
export function formatEstimate(compiled: CompiledModelFiles): string {
  const m = compiled.manifest;
  const paramBytes = m.paramCount * 4;
  const slots = optimizerSlots(m.optimizer);
  const programs = m.cpu.map((p) => `${p.mode} ${p.batch}: ${formatBytes(p.pages * WASM_PAGE_BYTES)}`).join(', ');
  return [
    `Parameters: ${formatBytes(paramBytes)} (float32); with gradients and ${slots} optimizer slot${slots === 1 ? '' : 's'} per value (${m.optimizer.kind}): ${formatBytes(paramBytes * (2 + slots))}`,
    `CPU program memory (each at most ${formatBytes(WASM_MAX_BYTES)}): ${programs}`,
  ].join('\n') + '\n';
}
