// The compiler's spine: every stage from a model file to a compiled model, in order, each
// named. `compile` runs them all; `compileFile`/`compileSpec` stop after differentiate (what
// `nnc check` and the tests of the front half need); `buildModel` runs the rest.
//
//   parse -> lower -> differentiate -> simplify -> fuse -> plan + generate cpu
//         -> generate gpu.js -> package
//
// Every user mistake comes back as `file:line:col: message` lines; only nnc's own bugs throw.

import { createHash } from 'node:crypto';
import { readModelFile, parseModelSource, formatDiagnostic, type FrontendResult } from './dsl/frontend';
import type { ModelSpec } from './dsl/spec';
import { lowerModel, LowerError, type LayerInfo } from './lower/lower';
import { lossWarnings } from './lower/loss-warnings';
import type { SourceLocation } from './dsl/frontend/diagnostics';
import { grad } from './autodiff/grad';
import { eliminateDeadCode, isState, isTrainable } from './ir/graph';
import type { Graph, Node } from './ir/types';
import { simplify } from './passes/simplify';
import { fuse, type Fusion } from './passes/fuse';
import { loadAssembler } from './codegen/cpu/wat/module';
import type { CompiledModelFiles, ModelIO, ParamInfo, ProgramMode } from '../format/manifest';
import { modelIO, paramInfo } from './package/model-info';
import { generateCpuProgram } from './package/cpu';
import { generateGpuProgram, GpuRefusal } from './package/gpu';
import { packageModel, type GeneratedCpu, type GeneratedGpu } from './package/package';
import { withProgramSize } from './package/sizes';

export const STAGES = ['parse', 'lower', 'differentiate', 'simplify', 'fuse', 'plan + generate cpu', 'generate gpu.js', 'package'] as const;

/** The front half's product: the spec and the forward and training graphs. */
export interface CompiledModel {
  readonly file: string;
  /** SHA-256 of the model file's bytes (of the spec's JSON for a spec compiled without a file). */
  readonly sourceSha256: string;
  readonly spec: ModelSpec;
  readonly layers: readonly LayerInfo[];
  readonly paramCount: number;
  /** Inference-mode graph: outputs `probs` and `loss` (no dropout). */
  readonly forward: Graph;
  /** Training-mode graph with gradients: outputs `probs`, `loss` and `grad:<param>` for each param. */
  readonly training: Graph;
  /** The trainable params in graph order. */
  readonly params: readonly Node[];
  /** The same params as the runtime sees them (name, shape, initializer, regularizer, constraint). */
  readonly paramInfo: readonly ParamInfo[];
  /** The non-trainable state params (updated by the training step's `state:<name>` outputs), likewise. */
  readonly stateInfo: readonly ParamInfo[];
  readonly io: ModelIO;
  /** Problems that still compile (a linear output with a cross-entropy on probabilities), as `file:line:col: warning: ...` lines. */
  readonly warnings: readonly string[];
}

export type CompileResult =
  | { readonly ok: true; readonly model: CompiledModel }
  | { readonly ok: false; readonly diagnostics: readonly string[] };

export interface BuildOptions {
  /** Training batch sizes besides fit.batchSize (a last, partial batch of the training set). */
  readonly trainBatches?: readonly number[];
  /** Inference batch sizes besides fit.batchSize and 1 (the last batch of a validation or test set). */
  readonly inferBatches?: readonly number[];
  /** Generate gpu.js programs too (default true). */
  readonly gpu?: boolean;
}

export type BuildResult =
  | { readonly ok: true; readonly model: CompiledModel; readonly compiled: CompiledModelFiles }
  | { readonly ok: false; readonly diagnostics: readonly string[] };

/** Every stage, model file to compiled model. */
export async function compile(path: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const front = compileFile(path);
  if (!front.ok) return front;
  return { ok: true, model: front.model, compiled: await buildModel(front.model, opts) };
}

/** parse, lower, differentiate. */
export function compileFile(path: string): CompileResult {
  // Read once: the hash is of exactly the bytes that were parsed.
  const read = readModelFile(path);
  if (!read.ok) return { ok: false, diagnostics: read.diagnostics.map(formatDiagnostic) };
  return compileFrontend(parseModelSource(read.text, path), path, () => sha256(read.bytes));
}

export function compileSource(source: string, file: string): CompileResult {
  return compileFrontend(parseModelSource(source, file), file, () => sha256(Buffer.from(source, 'utf8')));
}

function compileFrontend(front: FrontendResult, file: string, hash: () => string): CompileResult {
  if (!front.ok) return { ok: false, diagnostics: front.diagnostics.map(formatDiagnostic) };
  try {
    return { ok: true, model: compileSpec(front.spec, file, hash(), front.locate) };
  } catch (e) {
    if (e instanceof LowerError) {
      const at = front.locate(e.path);
      return { ok: false, diagnostics: [formatDiagnostic({ ...at, message: e.message })] };
    }
    throw e;
  }
}

/** lower and differentiate a spec; throws LowerError for model mistakes. */
export function compileSpec(
  spec: ModelSpec, file = '<spec>', sourceSha256 = sha256(Buffer.from(JSON.stringify(spec), 'utf8')),
  locate?: (path: readonly (string | number)[]) => SourceLocation,
): CompiledModel {
  const inference = lowerModel(spec, 'infer');
  const train = lowerModel(spec, 'train');
  // Gradient rules may build values no output needs (a rule's spare intermediate): drop them.
  const training = eliminateDeadCode(grad(train.graph, train.graph.outputs.loss));
  const params = training.nodes.filter(isTrainable);
  // State params in the inference graph's order (the training graph holds the same ones).
  const state = inference.graph.nodes.filter(isState);
  return {
    file,
    sourceSha256,
    spec,
    layers: inference.layers,
    paramCount: inference.paramCount,
    forward: inference.graph,
    training,
    params,
    paramInfo: params.map(paramInfo),
    stateInfo: state.map(paramInfo),
    io: modelIO(spec, inference.graph),
    warnings: lossWarnings(spec, inference.graph, inference.layers)
      .map((w) => (locate ? formatDiagnostic({ ...locate(w.path), message: `warning: ${w.message}` }) : `${file}: warning: ${w.message}`)),
  };
}

/** simplify: the training and inference graphs as codegen sees them. */
export function simplified(model: CompiledModel): { readonly train: Graph; readonly infer: Graph } {
  return { train: simplify(model.training), infer: simplify(model.forward) };
}

/** simplify, fuse: the kernels of each graph. */
export function fused(model: CompiledModel): { readonly train: Fusion; readonly infer: Fusion } {
  const graphs = simplified(model);
  return { train: fuse(graphs.train), infer: fuse(graphs.infer) };
}

/** simplify, fuse, plan + generate cpu, generate gpu.js, package. */
export async function buildModel(model: CompiledModel, opts: BuildOptions = {}): Promise<CompiledModelFiles> {
  const graphs = simplified(model);
  const kernels = { train: fuse(graphs.train), infer: fuse(graphs.infer) };
  const programs = programSizes(model.spec.fit.batchSize, opts);
  const optimizerFor = (mode: ProgramMode): ModelSpec['optimizer'] | null => (mode === 'train' ? model.spec.optimizer : null);
  await loadAssembler();
  const cpu: GeneratedCpu[] = programs.map(({ mode, batch }) => withProgramSize(model, mode, batch,
    () => generateCpuProgram(kernels[mode], mode, batch, optimizerFor(mode), `cpu/${mode}-${batch}.wasm`)));
  const gpu = opts.gpu === false ? { refusal: 'built without gpu.js programs (--no-gpu)' } : generateGpu(model, graphs, programs);
  return packageModel(model, cpu, gpu);
}

function generateGpu(model: CompiledModel, graphs: { train: Graph; infer: Graph }, programs: readonly ProgramSize[]): readonly GeneratedGpu[] | { refusal: string } {
  try {
    return programs.map(({ mode, batch }) =>
      generateGpuProgram(graphs[mode], mode, batch, mode === 'train' ? model.spec.optimizer : null, model.paramInfo, `gpu/${mode}-${batch}.json`));
  } catch (e) {
    if (e instanceof GpuRefusal) return { refusal: e.message };
    throw e;
  }
}

interface ProgramSize { readonly mode: ProgramMode; readonly batch: number }

/** Training at the fit batch (and any extra sizes), inference at the fit batch, 1 and any extra sizes. */
export function programSizes(batchSize: number, opts: BuildOptions): ProgramSize[] {
  const sizes = (first: readonly number[], extra: readonly number[] = []): number[] =>
    [...new Set([...first, ...extra])].filter((b) => Number.isInteger(b) && b >= 1).sort((a, b) => b - a);
  return [
    ...sizes([batchSize], opts.trainBatches).map((batch) => ({ mode: 'train' as const, batch })),
    ...sizes([batchSize, 1], opts.inferBatches).map((batch) => ({ mode: 'infer' as const, batch })),
  ];
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
