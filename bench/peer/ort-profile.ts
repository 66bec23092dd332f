// Where onnxruntime's inference time goes, node by node, for the seed PReLU model as `nnc
// export` writes it: onnxruntime's own profiler over `runs` calls, after its graph
// optimisations (its NCHWc convolutions, the Reorder nodes around them, fused Gemms). The
// peer of `bench/kernels/profile.ts <model> <runs> infer <batch>` for nnc's kernels.
// Run: npx tsx bench/peer/ort-profile.ts [batch] [runs] [threads]     (250, 20, 1 by default)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../../compiler/export/onnx/export';
import { buildModel, compileFile } from '../../compiler/pipeline';
import { createEngine } from '../../runtime/backends/index';

interface ProfileEvent { readonly cat: string; readonly name: string; readonly dur: number; readonly args?: { readonly op_name?: string } }

async function exported(): Promise<Uint8Array> {
  const front = compileFile(path.join(__dirname, '..', '..', 'models', 'mnist-prelu.ts'));
  if (!front.ok) throw new Error(front.diagnostics.join('\n'));
  const engine = await createEngine(await buildModel(front.model, { gpu: false }), { backend: 'cpu', seed: 1, threads: 1 });
  try {
    return exportOnnx(front.model.forward, engine.getState().params, { name: 'mnist-prelu', nncVersion: '-', sourceSha256: front.model.sourceSha256, sourceFile: 'mnist-prelu.ts' });
  } finally {
    engine.dispose();
  }
}

async function main(): Promise<void> {
  const [batch, runs, threads] = [250, 20, 1].map((d, i) => Number(process.argv[2 + i] ?? d));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnc-ort-profile-'));
  try {
    const session = await ort.InferenceSession.create(await exported(), {
      intraOpNumThreads: threads, interOpNumThreads: 1, enableProfiling: true, profileFilePrefix: path.join(dir, 'ort'),
    });
    const x = new Float32Array(batch * 784).map((_, i) => (i % 255) / 255);
    for (let r = 0; r < runs; r++) await session.run({ x: new ort.Tensor('float32', x, [batch, 28, 28, 1]) });
    session.endProfiling();
    await session.release();
    const events = JSON.parse(fs.readFileSync(path.join(dir, fs.readdirSync(dir)[0]), 'utf8')) as ProfileEvent[];
    const nodes = new Map<string, { op: string; us: number }>();
    for (const e of events.filter((ev) => ev.cat === 'Node' && ev.name.endsWith('_kernel_time'))) {
      const name = e.name.slice(0, -'_kernel_time'.length);
      const n = nodes.get(name) ?? { op: e.args?.op_name ?? '?', us: 0 };
      nodes.set(name, { op: n.op, us: n.us + e.dur });
    }
    const rows = [...nodes].map(([name, n]) => ({ name: `${name} ${n.op}`, ms: n.us / runs / 1000 })).sort((a, b) => b.ms - a.ms);
    const total = rows.reduce((s, r) => s + r.ms, 0);
    console.log(`onnxruntime ${ort.env.versions.node ?? ''}, mnist-prelu, batch ${batch}, ${threads} thread(s): mean ms per call of ${runs}, by node`);
    for (const r of rows) console.log(`${r.name.slice(0, 48).padEnd(48)}${r.ms.toFixed(3).padStart(9)}${(100 * r.ms / total).toFixed(1).padStart(7)}%`);
    console.log(`${'sum of nodes'.padEnd(48)}${total.toFixed(3).padStart(9)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.message : String(e)); process.exitCode = 1; });
