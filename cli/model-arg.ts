// A model argument of train, eval, predict and compare: a model file (compiled in memory
// here, through the compiler's spine) or a compiled model folder from `nnc build` (loaded
// without compiling). Either way a command sees the same facts and the same CompiledModelFiles.

import * as path from 'node:path';
import type { CompiledModelFiles, Manifest } from '../format/manifest';
import type { BuildOptions, CompiledModel } from '../compiler/pipeline';
import { isCompiledModelDir, readCompiledModel } from '../runtime/model-files';
import { UsageError } from './command';
import { escapeText } from './escape';
import { type BatchOrigin, explainSizeLimits } from './resources';

export interface ModelArg {
  /** What the user named: a model file or a compiled model folder. */
  readonly arg: string;
  /** The model's own name, parameters, fit settings, IO and data, whichever form it came in. */
  readonly facts: Pick<Manifest, 'name' | 'paramCount' | 'fit' | 'loss' | 'io' | 'data' | 'optimizer'> & { readonly sha256: string };
  /** Folder a relative IDX data folder is relative to (the model file's, or the compiled model's). */
  readonly dataBase: string;
  /** The front half's graphs, when the model came as a source file (the reference backend runs them). */
  readonly front: CompiledModel | null;
  /** The compiled model as loaded, or null until `compiledFor` builds it from source. */
  readonly compiled: CompiledModelFiles | null;
}

/** Reads a model argument; prints diagnostics and returns null when a model file does not compile. */
export async function openModel(arg: string): Promise<ModelArg | null> {
  if (isCompiledModelDir(arg)) {
    let compiled: CompiledModelFiles;
    try {
      compiled = readCompiledModel(arg);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const m = compiled.manifest;
    return { arg, facts: { ...m, sha256: m.source.sha256 }, dataBase: path.resolve(arg), front: null, compiled };
  }
  // Loaded here, not above: a compiled model runs without the compiler in the process.
  const { compileFile } = (require('../compiler/pipeline') as typeof import('../compiler/pipeline'));
  const result = compileFile(arg);
  if (!result.ok) {
    for (const d of result.diagnostics) process.stderr.write(escapeText(d) + '\n');
    return null;
  }
  for (const w of result.model.warnings) process.stderr.write(escapeText(w) + '\n');
  return sourceModel(result.model, arg);
}

/** A model compiled from source in this process, as a model argument. */
export function sourceModel(model: CompiledModel, arg: string): ModelArg {
  const s = model.spec;
  return {
    arg,
    facts: { name: s.name, paramCount: model.paramCount, fit: s.fit, loss: s.loss, io: model.io, data: s.data, optimizer: s.optimizer, sha256: model.sourceSha256 },
    dataBase: path.dirname(path.resolve(arg)),
    front: model,
    compiled: null,
  };
}

/** Every model argument, or null after printing every file's diagnostics. */
export async function openModels(args: readonly string[]): Promise<ModelArg[] | null> {
  const models: (ModelArg | null)[] = [];
  for (const a of args) models.push(await openModel(a));
  return models.every((m) => m !== null) ? (models as ModelArg[]) : null;
}

/** The batch sizes a run over sets of these sizes needs, beyond what every build has. */
export function sizesFor(batchSize: number, train: number, inference: readonly number[]): BuildOptions {
  const rest = (n: number): number[] => (n % batchSize === 0 ? [] : [n % batchSize]);
  return {
    trainBatches: train > 0 ? [batchSize, ...rest(train)] : [],
    inferBatches: [batchSize, ...inference.flatMap(rest)],
  };
}

/**
 * The compiled model with programs for `sizes`: built now from a model file, or checked
 * against a compiled model's programs (a missing training size is a one-line error before
 * any training starts; a missing inference size runs one example at a time). A program too
 * large to build is one line naming `origin`'s flag, or the model.
 */
export async function compiledFor(m: ModelArg, sizes: BuildOptions, origin: BatchOrigin | null = null): Promise<CompiledModelFiles> {
  if (m.front !== null) {
    const front = m.front;
    return explainSizeLimits(m.arg, origin, () => (require('../compiler/pipeline') as typeof import('../compiler/pipeline')).buildModel(front, sizes));
  }
  const compiled = m.compiled as CompiledModelFiles;
  const have = compiled.manifest.cpu.filter((p) => p.mode === 'train').map((p) => p.batch);
  const missing = (sizes.trainBatches ?? []).filter((b) => !have.includes(b));
  if (missing.length > 0) {
    throw new UsageError(`${m.arg} has no training program for batch size ${missing.join(', ')} (it has ${have.join(', ')}); `
      + `rebuild it with nnc build <model.ts> --train-batches ${missing.join(',')}, or train the model file`);
  }
  return compiled;
}
