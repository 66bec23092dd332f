// The compiler's front half as one call: model file -> spec -> forward and training graphs,
// with every user mistake turned into `file:line:col: message` lines.

import { parseModelFile, parseModelSource, formatDiagnostic, type FrontendResult } from './dsl/frontend';
import type { ModelSpec } from './dsl/spec';
import { lowerModel, LowerError, type LayerInfo } from './lower/lower';
import { grad } from './autodiff/grad';
import { eliminateDeadCode } from './ir/graph';
import type { Graph, Node } from './ir/types';
import type { ModelIO, ParamInfo } from '../format/manifest';
import { modelIO, paramInfo } from './package/model-info';

export interface CompiledModel {
  readonly file: string;
  readonly spec: ModelSpec;
  readonly layers: readonly LayerInfo[];
  readonly paramCount: number;
  /** Inference-mode graph: outputs `probs` and `loss` (no dropout). */
  readonly forward: Graph;
  /** Training-mode graph with gradients: outputs `probs`, `loss` and `grad:<param>` for each param. */
  readonly training: Graph;
  /** The params in graph order. */
  readonly params: readonly Node[];
  /** The same params as the runtime sees them (name, shape, initializer, regularizer, constraint). */
  readonly paramInfo: readonly ParamInfo[];
  readonly io: ModelIO;
}

export type CompileResult =
  | { readonly ok: true; readonly model: CompiledModel }
  | { readonly ok: false; readonly diagnostics: readonly string[] };

export function compileFile(path: string): CompileResult {
  return compileFrontend(parseModelFile(path), path);
}

export function compileSource(source: string, file: string): CompileResult {
  return compileFrontend(parseModelSource(source, file), file);
}

function compileFrontend(front: FrontendResult, file: string): CompileResult {
  if (!front.ok) return { ok: false, diagnostics: front.diagnostics.map(formatDiagnostic) };
  try {
    return { ok: true, model: compileSpec(front.spec, file) };
  } catch (e) {
    if (e instanceof LowerError) {
      const at = front.locate(e.path);
      return { ok: false, diagnostics: [formatDiagnostic({ ...at, message: e.message })] };
    }
    throw e;
  }
}

/** Lowers and differentiates a spec; throws LowerError for model mistakes. */
export function compileSpec(spec: ModelSpec, file = '<spec>'): CompiledModel {
  const inference = lowerModel(spec, 'infer');
  const train = lowerModel(spec, 'train');
  // Gradient rules may build values no output needs (a rule's spare intermediate): drop them.
  const training = eliminateDeadCode(grad(train.graph, train.graph.outputs.loss));
  const params = training.nodes.filter((n) => n.op === 'param');
  return {
    file,
    spec,
    layers: inference.layers,
    paramCount: inference.paramCount,
    forward: inference.graph,
    training,
    params,
    paramInfo: params.map(paramInfo),
    io: modelIO(spec, inference.graph),
  };
}
