// Makes a gpu.js instance that really runs on WebGL, or says in one line why it cannot.
// gpu.js falls back silently (to its webasm or cpu kernels) when it finds no WebGL, and
// `gpu.mode` still says 'gpu'; so the kernel class gpu.js picked is checked, and a probe
// kernel's result with it. Platform-free: Node (context.ts, headless-gl) and the browser
// (runtime/web.ts, WebGL2 or WebGL1 on a canvas or OffscreenCanvas) both open it here.

import { GPU } from 'gpu.js';

export type GpuContext = { ok: true; gpu: GPU; kernelClass: string } | { ok: false; reason: string };

const WEBGL_KERNELS: ReadonlySet<string> = new Set(['HeadlessGLKernel', 'WebGLKernel', 'WebGL2Kernel']);

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0];
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

/** gpu.js on WebGL; `whyNoWebgl` explains a fallback (what is missing on this platform), or null. */
export function openGpuContext(whyNoWebgl: () => string | null): GpuContext {
  let gpu: GPU;
  try {
    gpu = new GPU({ mode: 'gpu' });
  } catch (err) {
    return { ok: false, reason: `gpu.js could not start: ${firstLine(err)}` };
  }
  const kernelClass = gpu.Kernel ? gpu.Kernel.name : 'none';
  if (!WEBGL_KERNELS.has(kernelClass)) {
    void gpu.destroy();
    const why = whyNoWebgl() ?? 'no WebGL context';
    return { ok: false, reason: `gpu.js fell back to ${kernelClass}: ${why}` };
  }
  const wrong = probe(gpu);
  if (wrong) {
    void gpu.destroy();
    return { ok: false, reason: `${kernelClass}: ${wrong}` };
  }
  return { ok: true, gpu, kernelClass };
}
