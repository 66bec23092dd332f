// The package stage: the compiled model as data (manifest + files), from the stages before it.

import type { CompiledModelFiles, CpuProgram, GpuKernel, GpuProgram, LayerSummary, Manifest } from '../../format/manifest';
import { FORMAT_NAME, FORMAT_VERSION } from '../../format/manifest';
import type { CompiledModel } from '../pipeline';
import { printGraph } from '../ir/printer';
import { nncVersion } from './version';

export interface GeneratedCpu { readonly program: CpuProgram; readonly wasm: Uint8Array; readonly fmaWasm: Uint8Array | null }
export interface GeneratedGpu { readonly program: GpuProgram; readonly kernels: readonly GpuKernel[] }

export function packageModel(model: CompiledModel, cpu: readonly GeneratedCpu[], gpu: readonly GeneratedGpu[] | { readonly refusal: string }): CompiledModelFiles {
  const files = new Map<string, Uint8Array>();
  for (const c of cpu) {
    files.set(c.program.file, c.wasm);
    if (c.program.fmaFile !== null && c.fmaWasm !== null) files.set(c.program.fmaFile, c.fmaWasm);
  }
  const gpuPrograms = 'refusal' in gpu ? [] : gpu;
  for (const g of gpuPrograms) files.set(g.program.file, new TextEncoder().encode(JSON.stringify(g.kernels)));
  const layers: LayerSummary[] = model.layers.map((l) => ({
    name: l.name, type: l.className, params: l.params,
    outputShape: l.outputShape.map((d) => (d === 'N' ? null : d)),
  }));
  const manifest: Manifest = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    nnc: nncVersion(),
    name: model.spec.name,
    source: { file: model.file, sha256: model.sourceSha256 },
    io: model.io,
    loss: model.spec.loss,
    layers,
    paramCount: model.paramCount,
    params: model.paramInfo,
    state: model.stateInfo,
    optimizer: model.spec.optimizer,
    fit: model.spec.fit,
    data: model.spec.data,
    cpu: cpu.map((c) => c.program),
    gpu: gpuPrograms.map((g) => g.program),
    gpuRefusal: 'refusal' in gpu ? gpu.refusal : null,
    graphs: { forward: printGraph(model.forward), training: printGraph(model.training) },
  };
  return { manifest, files };
}
