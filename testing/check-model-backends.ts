// nnc check --backends: a model's compiled CPU step, and its gpu.js step where WebGL is
// available, against the float64 reference on the model's own layers (check-backends.ts).
// The model is built at the check's batch size (and 1) only, so a seed model trained at
// batch 250 is checked at a size the reference interpreter runs in seconds.

import { buildModel, type CompiledModel } from '../compiler/pipeline';
import { createCpuEngine } from '../runtime/backends/cpu/engine';
import type { Engine } from '../runtime/engine';
import { compareWithReference, formatMismatch, type BackendComparison } from './check-backends';
import { referenceHostOps } from './host-ops';

export interface BackendCheckOptions {
  /** Seeds the weights, the batches and dropout (default 0). */
  readonly seed?: number;
  /** Training batch size of the check (default 2). */
  readonly batch?: number;
  /** CPU threads (default: one per core). */
  readonly threads?: number;
}

export type BackendResult =
  | { readonly backend: string; readonly comparison: BackendComparison }
  | { readonly backend: string; readonly unavailable: string };

export interface BackendsReport {
  readonly model: string;
  readonly seed: number;
  readonly batch: number;
  readonly results: readonly BackendResult[];
  readonly passed: boolean;
}

async function compared(engine: Engine, model: CompiledModel, seed: number, batch: number): Promise<BackendComparison> {
  try {
    return compareWithReference(model, engine, { seed, batch });
  } finally {
    engine.dispose();
  }
}

export async function checkCompiledBackends(model: CompiledModel, opts: BackendCheckOptions = {}): Promise<BackendsReport> {
  const seed = opts.seed ?? 0;
  const batch = opts.batch ?? 2;
  const atBatch: CompiledModel = { ...model, spec: { ...model.spec, fit: { ...model.spec.fit, batchSize: batch } } };
  const files = await buildModel(atBatch);
  const results: BackendResult[] = [];
  const cpu = await createCpuEngine(files, { seed, threads: opts.threads, hostOps: referenceHostOps });
  results.push({ backend: 'cpu', comparison: await compared(cpu, atBatch, seed, batch) });
  // gpu.js (and headless-gl) load only here: the rest of nnc/testing does without them.
  const { createGpuEngine } = require('../runtime/backends/gpujs/engine') as typeof import('../runtime/backends/gpujs/engine');
  const gpu = await createGpuEngine(files, seed);
  if ('reason' in gpu) results.push({ backend: 'gpu.js', unavailable: gpu.reason });
  else results.push({ backend: 'gpu.js', comparison: await compared(gpu, atBatch, seed, batch) });
  const passed = results.every((r) => !('comparison' in r) || (r.comparison.mismatch === null && r.comparison.notComparable === null));
  return { model: model.spec.name, seed, batch, results, passed };
}

function resultLine(r: BackendResult): string {
  if (!('comparison' in r)) return `${r.backend}: not checked: ${r.unavailable}`;
  const c = r.comparison;
  if (c.mismatch) return `${c.backend}: FAIL at ${formatMismatch(c.mismatch)}`;
  if (c.notComparable) return `${c.backend}: FAIL, cannot be compared: ${c.notComparable}`;
  const n = c.compared;
  return `${c.backend}: ok (${n.losses} losses, ${n.gradients} gradients, ${n.weights} weights, ${n.slots} optimizer slots, ${n.outputs} outputs)`;
}

export function formatBackendsReport(r: BackendsReport): string {
  const checked = r.results.filter((x) => 'comparison' in x).length;
  const failed = r.results.filter((x) => 'comparison' in x && (x.comparison.mismatch !== null || x.comparison.notComparable !== null)).length;
  const verdict = failed > 0 ? `FAIL: ${failed} of ${checked} backends differ from the reference` : `${checked} backend${checked === 1 ? '' : 's'} ok`;
  return [
    `${r.model}: compiled backends against the float64 reference, batch ${r.batch}, seed ${r.seed}, 2 training steps, then evaluate and predict`,
    ...r.results.map(resultLine),
    verdict,
  ].join('\n') + '\n';
}
