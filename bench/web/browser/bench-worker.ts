// The bench page's worker: times training steps of the seed PReLU model at batch 250 in the
// browser, nnc's (its runtime as the page runs it, WebAssembly or WebGL) or TensorFlow.js's
// (WebGL), on the same batch, and reports each step's milliseconds.

import * as tf from '@tensorflow/tfjs';
import { fetchCompiledModel } from '../../../runtime/model-fetch';
import { createWebEngine } from '../../../runtime/web';
import { BATCH, syntheticBatch, type BenchRequest, type BenchResult } from './protocol';
import { tfjsPrelu } from './tfjs-model';

const scope = self as unknown as { onmessage: ((e: MessageEvent<BenchRequest>) => void) | null; postMessage(m: unknown): void };

async function timeSteps(warmup: number, steps: number, step: (s: number) => Promise<number> | number): Promise<{ ms: number[]; losses: [number, number] }> {
  const ms: number[] = [];
  let first = NaN, last = NaN;
  for (let s = 0; s < warmup + steps; s++) {
    const t = performance.now();
    last = await step(s);
    if (s === 0) first = last;
    if (s >= warmup) ms.push(performance.now() - t);
  }
  return { ms, losses: [first, last] };
}

/** The renderer of this worker's WebGL, as the page names it. */
function renderer(gl: WebGLRenderingContext | WebGL2RenderingContext): string {
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function nnc(r: Extract<BenchRequest, { kind: 'nnc' }>): Promise<BenchResult> {
  const model = await fetchCompiledModel(new URL('model/', self.location.href).href, (u) => fetch(u));
  const engine = await createWebEngine(model, { backend: r.backend, seed: 1, threads: r.threads });
  const { x, labels } = syntheticBatch();
  try {
    const t = await timeSteps(r.warmup, r.steps, (s) => engine.trainStep(x, labels, BATCH, s).loss);
    const gl = r.backend === 'gpu' ? new OffscreenCanvas(1, 1).getContext('webgl2') : null;
    return { ...t, what: engine.description, ...(gl ? { renderer: renderer(gl) } : {}) };
  } finally {
    engine.dispose();
  }
}

async function tfjs(r: Extract<BenchRequest, { kind: 'tfjs' }>): Promise<BenchResult> {
  await tf.setBackend('webgl');
  await tf.ready();
  const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGL2RenderingContext } }).gpgpu.gl;
  const model = tfjsPrelu();
  const { x, labels } = syntheticBatch();
  const xs = tf.tensor4d(x, [BATCH, 28, 28, 1]);
  const ys = tf.tensor2d(labels, [BATCH, 10]);
  // trainOnBatch resolves once the loss is read back: the step has run, as nnc's trainStep.
  const t = await timeSteps(r.warmup, r.steps, async () => ((await model.trainOnBatch(xs, ys)) as number[])[0]);
  return { ...t, what: `TensorFlow.js ${tf.version.tfjs} ${tf.getBackend()}`, renderer: renderer(gl) };
}

scope.onmessage = (e) => {
  const r = e.data;
  (r.kind === 'nnc' ? nnc(r) : tfjs(r)).then(
    (result) => scope.postMessage({ ok: true, result }),
    (err: unknown) => scope.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
};
