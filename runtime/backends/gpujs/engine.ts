// The gpu.js engine in Node: WebGL through headless-gl (gpu-engine.ts is the engine itself).

import type { CompiledModelFiles } from '../../../format/manifest';
import type { Engine } from '../../engine';
import { createGpuContext } from './context';
import { openGpuEngine } from './gpu-engine';

/** An Engine running `model`'s gpu.js programs, or why there can be none here (one line). */
export async function createGpuEngine(model: CompiledModelFiles, seed: number): Promise<Engine | { reason: string }> {
  return openGpuEngine(model, seed, createGpuContext);
}
