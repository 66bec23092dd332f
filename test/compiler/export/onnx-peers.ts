// The independent judges of an exported ONNX file: onnxruntime (runs it) and the ONNX
// project's own checker with full shape inference (Debian's python3-onnx), plus the CPU
// engine's predictions for the same model and weights, which onnxruntime's must equal.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { buildModel, type CompiledModel } from '../../../compiler/pipeline';
import { createEngine } from '../../../runtime/backends/index';
import type { Engine } from '../../../runtime/engine';
import { referenceHostOps } from '../../../testing/host-ops';

/** onnxruntime's output `probs` for input `x` of shape [batch, ...inputShape], on one thread. */
export async function runOnnx(bytes: Uint8Array, x: Float32Array, batch: number, inputShape: readonly number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', x, [batch, ...inputShape]) });
    return out.probs.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** A one-thread CPU engine for `model` with programs for the given inference batches. */
export async function cpuEngine(model: CompiledModel, inferBatches: readonly number[], seed = 1): Promise<Engine> {
  const files = await buildModel(model, { gpu: false, inferBatches });
  return createEngine(files, { backend: 'cpu', seed, threads: 1, hostOps: referenceHostOps });
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number.isNaN(m) ? Infinity : m;
}

export type CheckerResult =
  | { readonly available: false; readonly why: string }
  | { readonly available: true; readonly results: readonly { readonly file: string; readonly error: string | null; readonly info: OnnxInfo | null }[] };

/** What the ONNX library itself reads from a file: opset, metadata, input and output shapes. */
export interface OnnxInfo {
  readonly opset: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly inputs: Readonly<Record<string, readonly (number | string)[]>>;
  readonly outputs: Readonly<Record<string, readonly (number | string)[]>>;
}

const CHECK_SCRIPT = `
import json, sys
import onnx
def dims(vi):
    return [d.dim_param if d.dim_param else d.dim_value for d in vi.type.tensor_type.shape.dim]
for path in sys.argv[1:]:
    try:
        m = onnx.load(path)
        onnx.checker.check_model(m, full_check=True)
        info = {"opset": max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx")),
                "metadata": {p.key: p.value for p in m.metadata_props},
                "inputs": {i.name: dims(i) for i in m.graph.input},
                "outputs": {o.name: dims(o) for o in m.graph.output}}
        print(json.dumps({"file": path, "error": None, "info": info}))
    except Exception as e:
        print(json.dumps({"file": path, "error": (type(e).__name__ + ": " + str(e)).strip(), "info": None}))
`;

/** A python3 with the onnx module: Debian's first (python3-onnx), then the one on PATH. */
function pythonWithOnnx(): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (python.startsWith('/') && !existsSync(python)) continue;
    const r = spawnSync(python, ['-c', 'import onnx'], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  return null;
}

/** Runs onnx.checker.check_model(full_check=True) on each file, in one Python process. */
export function onnxChecker(files: readonly string[]): CheckerResult {
  const python = pythonWithOnnx();
  if (python === null) return { available: false, why: 'no python3 with the onnx module (apt-get install python3-onnx)' };
  const r = spawnSync(python, ['-c', CHECK_SCRIPT, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`the ONNX checker script failed: ${r.stderr}`);
  const results = r.stdout.trim().split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as { file: string; error: string | null; info: OnnxInfo | null });
  return { available: true, results };
}
