// npm run bench -- --inference: inference of the seed PReLU model (softmax probabilities)
// in nnc (CPU backend, all cores) and in onnxruntime-node (the model as `nnc export` writes
// it, intra-op threads = cores), at batch 1, 32 and 250, in one run, on MNIST test digits.
// A benchmark, not a test: the two alternate call by call, so both see the same machine
// load; each figure is the median of the timed calls after warm-up.
//   npm run bench -- --inference [--batches 1,32,250] [--seconds S] [--threads N]

import { availableParallelism, loadavg } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { provenance, type InferenceResult } from '../scripts/results-tables';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../compiler/export/onnx/export';
import { nncVersion } from '../compiler/package/version';
import { compileFile, buildModel } from '../compiler/pipeline';
import { createEngine } from '../runtime/backends/index';
import { loadMnist } from '../runtime/data/dataset';
import type { Engine } from '../runtime/engine';

interface Timing { readonly median: number; readonly min: number }

function summary(ms: readonly number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0] };
}

interface Peers {
  readonly engine: Engine;
  readonly session: ort.InferenceSession;
}

async function setUp(batches: readonly number[], threads: number): Promise<Peers> {
  const front = compileFile(path.join(__dirname, '..', 'models', 'mnist-prelu.ts'));
  if (!front.ok) throw new Error(front.diagnostics.join('\n'));
  const model = front.model;
  const files = await buildModel(model, { gpu: false, inferBatches: [...batches] });
  const engine = await createEngine(files, { backend: 'cpu', seed: 1, threads });
  // Both run the same (seeded initial) weights: speed does not depend on their values.
  const bytes = exportOnnx(model.forward, engine.getState().params, { name: model.spec.name, nncVersion: nncVersion(), sourceSha256: model.sourceSha256, sourceFile: 'mnist-prelu.ts' });
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  return { engine, session };
}

async function runOrt(session: ort.InferenceSession, x: Float32Array, batch: number): Promise<Float32Array> {
  const out = await session.run({ x: new ort.Tensor('float32', x, [batch, 28, 28, 1]) });
  return out.probs.data as Float32Array;
}

/** Times both on `batch` examples, alternating call by call, for about `seconds` in all. */
async function timeBatch(p: Peers, images: Float32Array, batch: number, seconds: number): Promise<{ nnc: Timing; ort: Timing; diff: number }> {
  const x = images.slice(0, batch * 784);
  let diff = 0;
  const a = p.engine.predict(x, batch);
  const b = await runOrt(p.session, x, batch);
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  for (let w = 0; w < 3; w++) { p.engine.predict(x, batch); await runOrt(p.session, x, batch); }
  const nnc: number[] = [];
  const peer: number[] = [];
  const start = performance.now();
  while (nnc.length < 10 || (performance.now() - start < seconds * 1000 && nnc.length < 5000)) {
    let t = performance.now();
    p.engine.predict(x, batch);
    nnc.push(performance.now() - t);
    t = performance.now();
    await runOrt(p.session, x, batch);
    peer.push(performance.now() - t);
  }
  return { nnc: summary(nnc), ort: summary(peer), diff };
}

export async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { batches: { type: 'string' }, seconds: { type: 'string' }, threads: { type: 'string' }, save: { type: 'string' } } });
  const batches = (values.batches ?? '1,32,250').split(',').map(Number);
  if (!batches.every((b) => Number.isInteger(b) && b >= 1 && b <= 10_000)) throw new Error(`--batches must be integers in 1..10000, got '${values.batches}'`);
  const seconds = Number(values.seconds ?? 3);
  const threads = Number(values.threads ?? availableParallelism());
  const images = loadMnist().test.x;
  const peers = await setUp(batches, threads);
  console.log(`nnc inference benchmark: mnist-prelu (probabilities), MNIST test digits, ${threads} threads each `
    + `(${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)}); onnxruntime-node ${ort.env.versions.node ?? '?'}, the model from nnc export`);
  const startLoad = loadavg()[0];
  const saved: InferenceResult['rows'][number][] = [];
  const rows: string[][] = [['batch', 'nnc ms (best)', 'nnc images/s', 'onnxruntime ms (best)', 'onnxruntime images/s', 'nnc / onnxruntime', 'max |diff|']];
  try {
    for (const batch of batches) {
      const t = await timeBatch(peers, images, batch, seconds);
      const rate = (ms: number): number => batch / (ms / 1000);
      const ms = (x: Timing): string => `${x.median.toFixed(3)} (${x.min.toFixed(3)})`;
      rows.push([String(batch), ms(t.nnc), rate(t.nnc.median).toFixed(0), ms(t.ort), rate(t.ort.median).toFixed(0),
        `${(t.ort.median / t.nnc.median).toFixed(2)}x`, t.diff.toExponential(1)]);
      saved.push({ batch, nncPerSecond: rate(t.nnc.median), peerPerSecond: rate(t.ort.median) });
    }
  } finally {
    peers.engine.dispose();
    await peers.session.release();
  }
  const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
  for (const r of rows) console.log(r.map((c, k) => c.padEnd(widths[k])).join('  '));
  console.log('ms: median (best) per call; images/s and the ratio from the medians, > 1 when nnc is faster. Targets: >= 1x at batch 250, >= 0.5x at batch 1.');
  if (values.save) {
    const result: InferenceResult = { provenance: provenance(`npm run bench -- --inference --seconds ${seconds}`, threads), load: startLoad, rows: saved };
    writeFileSync(values.save, JSON.stringify(result, null, 1) + '\n');
    console.log(`Wrote ${values.save}`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => { console.error(e instanceof Error ? e.message : String(e)); process.exitCode = 1; });
}
