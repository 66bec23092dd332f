// What `nnc build --emit <stage>` prints: one function per stage, each from what the
// compiler's spine produces at that stage, so a user can see what every stage did.

import { fused, simplified, type CompiledModel } from '../compiler/pipeline';
import { printGraph } from '../compiler/ir/printer';
import { printFusion } from '../compiler/passes/print-fusion';
import { buildCpuProgram } from '../compiler/codegen/cpu/program';
import { printPlan } from '../compiler/codegen/cpu/print-plan';
import { printFusedGpuKernels } from '../compiler/codegen/gpujs/print';

export interface Emitter {
  readonly stage: string;
  readonly description: string;
  /** File name, for the golden tests. */
  readonly file: string;
  render(model: CompiledModel, opts: { readonly batch: number }): string;
}

const EMITTERS: Emitter[] = [
  { stage: 'spec', description: 'the ModelSpec the front end read (JSON)', file: 'spec.json', render: (m) => JSON.stringify(m.spec, null, 2) + '\n' },
  { stage: 'ir', description: 'the forward graph (inference mode)', file: 'forward.ir', render: (m) => printGraph(m.forward) },
  { stage: 'grad', description: 'the training graph: forward with dropout, loss and every parameter gradient', file: 'training.ir', render: (m) => printGraph(m.training) },
  {
    stage: 'fused', description: 'the kernels of the forward and training graphs, and each fusion refused with its reason', file: 'fused.txt',
    render: (m) => { const f = fused(m); return printFusion('forward', f.infer) + '\n' + printFusion('training step', f.train); },
  },
  {
    stage: 'plan', description: 'the CPU schedule and memory plan of the training step (buffers, peak memory)', file: 'plan.txt',
    render: (m, o) => printPlan('training step', buildCpuProgram(fused(m).train, o.batch, 1)),
  },
  {
    stage: 'cpu', description: 'the generated CPU kernels of the training step (WebAssembly text)', file: 'training.wat',
    render: (m, o) => buildCpuProgram(fused(m).train, o.batch, 1).wat + '\n',
  },
  {
    stage: 'gpu', description: 'the fused gpu.js kernels of the training step', file: 'training.gpu.js',
    render: (m, o) => printFusedGpuKernels(simplified(m).train, o.batch),
  },
];

/** Later stages (fusion, plan, codegen) add themselves here. */
export function registerEmitter(e: Emitter): void {
  if (!EMITTERS.some((x) => x.stage === e.stage)) EMITTERS.push(e);
}

export function emitters(): readonly Emitter[] {
  return EMITTERS;
}

export function findEmitter(stage: string): Emitter | undefined {
  return EMITTERS.find((e) => e.stage === stage);
}
