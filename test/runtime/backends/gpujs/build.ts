// Test support: a compiled model holding only gpu.js programs (manifest.cpu = []), made the
// way the spine's buildModel makes its gpu.js half, without the CPU generator: the gpu.js
// tests then neither wait for nor depend on the WebAssembly backend.

import { programSizes, type BuildOptions, type CompiledModel } from '../../../../compiler/pipeline';
import { simplify } from '../../../../compiler/passes/simplify';
import { generateGpuProgram, GpuRefusal } from '../../../../compiler/package/gpu';
import { packageModel, type GeneratedGpu } from '../../../../compiler/package/package';
import type { CompiledModelFiles } from '../../../../format/manifest';

export function buildGpuModel(model: CompiledModel, opts: Omit<BuildOptions, 'gpu'> = {}): CompiledModelFiles {
  const graphs = { train: simplify(model.training), infer: simplify(model.forward) };
  let gpu: GeneratedGpu[] | { refusal: string };
  try {
    gpu = programSizes(model.spec.fit.batchSize, opts).map(({ mode, batch }) => generateGpuProgram(
      graphs[mode], mode, batch, mode === 'train' ? model.spec.optimizer : null, model.paramInfo, `gpu/${mode}-${batch}.json`));
  } catch (e) {
    if (!(e instanceof GpuRefusal)) throw e;
    gpu = { refusal: e.message };
  }
  return packageModel(model, [], gpu);
}
