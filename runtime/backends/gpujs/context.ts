// Makes a gpu.js instance that really runs on WebGL, or says in one line why it cannot.
// gpu.js falls back silently (to its webasm or cpu kernels) when headless-gl is missing or
// has no display, and `gpu.mode` still says 'gpu'; so the kernel class gpu.js picked is
// checked, and a probe kernel's result with it.

import * as fs from 'fs';
import * as path from 'path';
import { GPU } from 'gpu.js';

export type GpuContext = { ok: true; gpu: GPU; kernelClass: string } | { ok: false; reason: string };

const WEBGL_KERNELS: ReadonlySet<string> = new Set(['HeadlessGLKernel', 'WebGLKernel', 'WebGL2Kernel']);

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0];
}

/** Why headless-gl cannot give a context here, or null when it can (or the question does not apply). */
function headlessGlProblem(): string | null {
  let main: string;
  try {
    main = require.resolve('gl');
  } catch {
    return 'the optional package gl is not installed (npm ci builds it; it needs libxi-dev libglu1-mesa-dev libglew-dev pkg-config)';
  }
  const binary = path.join(path.dirname(main), 'build', 'Release', 'webgl.node');
  if (!fs.existsSync(binary)) return `gl is installed but not built: ${binary} is missing`;
  let createContext: (width: number, height: number) => unknown;
  try {
    createContext = require('gl') as (width: number, height: number) => unknown;
  } catch (err) {
    return `gl does not load: ${firstLine(err)}`;
  }
  if (createContext(1, 1)) return null;
  const display = process.env.DISPLAY;
  return display ? `headless-gl cannot open a context on DISPLAY=${display}` : 'no X display (DISPLAY is unset): run under xvfb-run -a';
}

/** Runs a 4-element kernel and checks its output, so a context that compiles but computes wrongly is caught. */
function probe(gpu: GPU): string | null {
  const kernel = gpu.createKernel('function (a) { return a[this.thread.x] * 2 + this.thread.x; }', { output: [4], precision: 'single', tactic: 'precision' });
  try {
    const out = kernel(new Float32Array([0.5, 1.5, -2, 3])) as Float32Array;
    const expected = [1, 4, -2, 9];
    const bad = expected.findIndex((v, i) => out[i] !== v);
    return bad < 0 ? null : `the probe kernel computed ${Array.from(out).join(',')} instead of ${expected.join(',')}`;
  } catch (err) {
    return `the probe kernel failed: ${firstLine(err)}`;
  } finally {
    kernel.destroy();
  }
}

export function createGpuContext(): GpuContext {
  let gpu: GPU;
  try {
    gpu = new GPU({ mode: 'gpu' });
  } catch (err) {
    return { ok: false, reason: `gpu.js could not start: ${firstLine(err)}` };
  }
  const kernelClass = gpu.Kernel ? gpu.Kernel.name : 'none';
  if (!WEBGL_KERNELS.has(kernelClass)) {
    void gpu.destroy();
    const why = headlessGlProblem() ?? 'no WebGL context';
    return { ok: false, reason: `gpu.js fell back to ${kernelClass}: ${why}` };
  }
  const wrong = probe(gpu);
  if (wrong) {
    void gpu.destroy();
    return { ok: false, reason: `${kernelClass}: ${wrong}` };
  }
  return { ok: true, gpu, kernelClass };
}
