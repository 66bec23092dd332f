// Decides whether the gpu.js tests run. In CI (process.env.CI set) a WebGL context is
// required: without one the tests fail with the reason. Elsewhere they skip, saying why in
// one line. One context is shared by every test file of the process.

import type { GPU } from 'gpu.js';
import type { GpuContext } from '../../runtime/backends/gpujs/context';
import { createGpuContext } from '../../runtime/backends/gpujs/context';

let shared: GpuContext | null = null;
let announced = false;

export interface GpuTestContext {
  readonly gpu: GPU;
  readonly kernelClass: string;
}

/** The shared WebGL context; null (after one printed line) outside CI when there is none; throws in CI. */
export function gpuTestContext(): GpuTestContext | null {
  shared ??= createGpuContext();
  if (shared.ok) return { gpu: shared.gpu, kernelClass: shared.kernelClass };
  if (process.env.CI) throw new Error(`WebGL is required in CI (run the tests under xvfb-run -a): ${shared.reason}`);
  if (!announced) {
    announced = true;
    console.log(`      gpu.js tests skipped: ${shared.reason}`);
  }
  return null;
}

/**
 * Call inside a `describe`: its tests skip (or, in CI, fail) without WebGL. Returns the
 * GPU getter for the tests to use.
 */
export function useGpu(): () => GPU {
  let gpu: GPU | null = null;
  before(function () {
    const ctx = gpuTestContext();
    if (ctx) gpu = ctx.gpu;
    else this.skip();
  });
  return () => {
    if (!gpu) throw new Error('useGpu: the GPU is only available inside the tests of its describe block');
    return gpu;
  };
}
