// The engine a command runs on: the compiled programs (cpu, gpu) through the runtime, or the
// compiler's float64 reference interpreter (--backend reference), which needs the graphs:
// a model file's own, or those a compiled model carries as IR text.

import type { CompiledModelFiles } from '../format/manifest';
import type { Engine } from '../runtime/engine';
import { createEngine, type BackendName } from '../runtime/backends/index';
import type { ReferenceModel } from '../testing/reference-engine';
import type { ModelArg } from './model-arg';
import type { FmaChoice } from '../runtime/backends/cpu/multiply-add';

export interface RunEngineOptions {
  readonly backend: BackendName;
  readonly seed: number;
  readonly threads?: number;
  readonly fma?: FmaChoice;
  readonly notice?: (line: string) => void;
}

// The compiler's modules load only when needed (the reference backend, a program with host
// steps): running a compiled model otherwise keeps the compiler out of the process.
export async function createRunEngine(m: ModelArg, compiled: CompiledModelFiles, opts: RunEngineOptions): Promise<Engine> {
  if (opts.backend === 'reference') {
    const { createReferenceEngine } = (require('../testing/reference-engine') as typeof import('../testing/reference-engine'));
    return createReferenceEngine(await referenceModel(m, compiled), opts.seed);
  }
  const hostSteps = compiled.manifest.cpu.some((p) => p.steps.some((s) => s.kind === 'host'));
  const hostOps = hostSteps ? (require('../testing/host-ops') as typeof import('../testing/host-ops')).referenceHostOps : undefined;
  return createEngine(compiled, { ...opts, backend: opts.backend, hostOps });
}

async function referenceModel(m: ModelArg, compiled: CompiledModelFiles): Promise<ReferenceModel> {
  if (m.front !== null) return m.front;
  const { parseGraph } = (require('../compiler/ir/parser') as typeof import('../compiler/ir/parser'));
  const man = compiled.manifest;
  return {
    forward: parseGraph(man.graphs.forward),
    training: parseGraph(man.graphs.training),
    paramInfo: man.params,
    stateInfo: man.state,
    io: man.io,
    spec: { optimizer: man.optimizer },
  };
}
