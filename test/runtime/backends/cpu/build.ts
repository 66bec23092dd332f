// Compiled models for the CPU runtime's tests: the compiler's own build (simplify, fuse,
// generate) without the gpu.js programs, which these tests never run.

import { strict as assert } from 'node:assert';
import { buildModel, type CompiledModel } from '../../../../compiler/pipeline';
import type { CompiledModelFiles } from '../../../../format/manifest';
import { conv2d, constant, dense, dropout, flatten, maxPool2d, prelu } from '../../../../compiler/dsl/index';
import { compileSmallModel, seededSpec } from '../../../support/models';

export interface CpuBuildOptions {
  readonly trainBatches?: readonly number[];
  readonly inferBatches?: readonly number[];
}

export function buildCpuModel(model: CompiledModel, opts: CpuBuildOptions = {}): Promise<CompiledModelFiles> {
  return buildModel(model, { ...opts, gpu: false });
}

/** The same compiled model after a trip through JSON, as a runtime reading manifest.json sees it. */
export function viaJson(files: CompiledModelFiles): CompiledModelFiles {
  return { manifest: JSON.parse(JSON.stringify(files.manifest)) as CompiledModelFiles['manifest'], files: files.files };
}

/** Conv, PReLU, pooling, dropout, dense, softmax: the seed model's layers in small, batch 4. */
export function fixedModel(): CompiledModel {
  const model = compileSmallModel(seededSpec([8, 8, 2], [
    conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), prelu({ alphaInitializer: constant(0.25), sharedAxes: [1, 2] }),
    maxPool2d({ poolSize: 2 }), dropout({ rate: 0.25 }), flatten(), dense({ units: 6 }), prelu({ alphaInitializer: constant(0.1) }),
    dense({ units: 4, activation: 'softmax' }),
  ], 4));
  assert.ok(model);
  return model;
}

/**
 * A model whose programs have host steps: PReLU's alpha [6,1,1] on a conv output has no row
 * address in the fused loop, so the PReLU and its gradients run on the host.
 */
export function hostStepModel(): CompiledModel {
  const model = compileSmallModel(seededSpec([6, 6, 1], [
    conv2d({ filters: 1, kernelSize: 1 }), prelu({ sharedAxes: [2], alphaInitializer: constant(0.1) }), flatten(), dense({ units: 2, activation: 'softmax' }),
  ], 4));
  assert.ok(model);
  return model;
}
