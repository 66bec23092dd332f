// The gpu.js half of a compiled model: one simplified graph at one batch size as plain
// JSON the runtime can run without the compiler. The fused kernels (codegen/gpujs/fuse.ts)
// and, for training, each param's optimizer update kernels (one per slot, then the param) become GpuKernel
// objects in one list (the program's kernel file); the steps say in order how every
// value is obtained: fed, filled, drawn (dropout masks), computed by a kernel, or shared.

import type { Graph, Node } from '../ir/types';
import { bindShape, shapeSize } from '../ir/types';
import { planGpuKernels } from '../codegen/gpujs/fuse';
import { emitUpdateKernels } from '../codegen/gpujs/optimizer';
import type { GpuKernelSource } from '../codegen/gpujs/kernel';
import type { GpuParamUpdate, GpuKernel, GpuProgram, GpuStep, ParamInfo, ProgramMode } from '../../format/manifest';
import type { OptimizerSpec } from '../../format/spec';
import { SizeLimitError } from '../../format/limits';

/** Why a graph cannot become a gpu.js program, in one line. */
export class GpuRefusal extends Error {}

/** The manifest's form of a kernel: its calling convention and source, nothing else. */
function gpuKernel(k: GpuKernelSource): GpuKernel {
  return {
    label: k.label,
    args: k.args.map((a) => ({ name: a.name, shape: [...a.shape] })),
    scalars: [...k.scalars],
    source: k.source,
    shape: [...k.shape],
    output: [k.output[0]],
  };
}

/** Steps for the source nodes (inputs, params, constants, masks), in graph order: masks draw from one RNG in this order. */
function sourceSteps(graph: Graph, batch: number): GpuStep[] {
  const steps: GpuStep[] = [];
  const count = (n: Node): number => shapeSize(bindShape(n.type.shape, batch));
  for (const n of graph.nodes) {
    if (n.op === 'input') steps.push({ kind: 'input', value: n.id, name: String(n.attrs.name) });
    else if (n.op === 'param') steps.push({ kind: 'param', value: n.id, name: String(n.attrs.name) });
    else if (n.op === 'constant') steps.push({ kind: 'constant', value: n.id, count: count(n), fill: Number(n.attrs.value) });
    else if (n.op === 'dropoutMask') steps.push({ kind: 'mask', value: n.id, count: count(n), rate: Number(n.attrs.rate) });
  }
  return steps;
}

/** Steps for the fused kernels, appending their sources to `kernels`. */
function kernelSteps(graph: Graph, batch: number, kernels: GpuKernel[]): GpuStep[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return planGpuKernels(graph, batch).map((s): GpuStep => {
    if (!s.kernel) {
      const n = byId.get(s.value) as Node;
      throw new GpuRefusal(`no gpu.js kernel for '${n.op}' (%${n.id})`);
    }
    if (s.kernel.kind === 'alias') return { kind: 'alias', value: s.value, input: s.inputs[s.kernel.input] };
    kernels.push(gpuKernel(s.kernel));
    return { kind: 'kernel', value: s.value, kernel: kernels.length - 1, inputs: [...s.inputs] };
  });
}

/** Every param's update kernels (its slots', then its own), in param order, appended to `kernels`. */
function updateKernels(optimizer: OptimizerSpec, params: readonly ParamInfo[], kernels: GpuKernel[]): GpuParamUpdate[] {
  return params.map((p) => {
    const k = emitUpdateKernels(p.shape, optimizer);
    const slots = k.slots.map((s) => kernels.push(gpuKernel(s)) - 1);
    return { slots, param: kernels.push(gpuKernel(k.param)) - 1 };
  });
}

function checkOutputs(graph: Graph, mode: ProgramMode, params: readonly ParamInfo[]): void {
  const wanted = ['loss', 'probs', ...(mode === 'train' ? params.map((p) => `grad:${p.name}`) : [])];
  const missing = wanted.filter((o) => graph.outputs[o] === undefined);
  if (missing.length > 0) throw new GpuRefusal(`the ${mode} graph has no output ${missing.join(', ')}`);
}

/**
 * `graph` (already simplified) at `batch` as a gpu.js program whose kernels are to be
 * written, as JSON, to `file`. Throws GpuRefusal when the graph cannot run on gpu.js.
 */
export function generateGpuProgram(
  graph: Graph, mode: ProgramMode, batch: number, optimizer: OptimizerSpec | null, params: readonly ParamInfo[], file: string,
): { program: GpuProgram; kernels: GpuKernel[] } {
  checkOutputs(graph, mode, params);
  try {
    const kernels: GpuKernel[] = [];
    const steps = [...sourceSteps(graph, batch), ...kernelSteps(graph, batch, kernels)];
    const update = mode === 'train' && optimizer ? updateKernels(optimizer, params, kernels) : null;
    return { program: { mode, batch, file, steps, outputs: { ...graph.outputs }, update }, kernels };
  } catch (e) {
    // A tensor too large for gpu.js's float32 indices: the model still runs on the CPU.
    if (e instanceof SizeLimitError) throw new GpuRefusal(`${mode} program at batch size ${batch}: ${e.message}`);
    throw e;
  }
}
