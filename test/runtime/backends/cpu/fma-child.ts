// Run by fma.test.ts in its own Node process with --experimental-wasm-relaxed-simd (V8's flags
// are process-wide: turning relaxed SIMD on in the test runner would put every later test's
// engines on the fused form). Checks the fused programs against the float64 reference and
// prints one JSON line of what it saw; any failure throws (exit code 1).

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { createCpuEngine } from '../../../../runtime/backends/cpu/engine';
import { relaxedSimdValidates } from '../../../../runtime/backends/cpu/multiply-add';
import { createReferenceEngine } from '../../../../testing/reference-engine';
import { referenceHostOps } from '../../../../testing/host-ops';
import type { CompiledModel } from '../../../../compiler/pipeline';
import { arbSmallModelSpec, compileSmallModel } from '../../../support/models';
import { buildCpuModel, fixedModel } from './build';
import { compareEngines, withEngines } from './compare';

async function checkModel(model: CompiledModel, seed: number): Promise<{ fusedPrograms: number; differsFromExact: boolean }> {
  const files = await buildCpuModel(model);
  const fusedPrograms = files.manifest.cpu.filter((p) => p.fmaFile !== null).length;
  const opts = { seed, hostOps: referenceHostOps };
  let differsFromExact = false;
  await withEngines([1, 2].map((threads) => createCpuEngine(files, { ...opts, threads, fma: 'on' })), (fused) => {
    for (const engine of fused) {
      assert.match(engine.description, /with FMA/, 'the fused form did not run');
      compareEngines(model, engine, createReferenceEngine(model, seed), 2, seed);
    }
    assert.deepEqual(fused[1].getState(), fused[0].getState(), 'the fused form on two threads trained to other values than on one');
  });
  await withEngines([createCpuEngine(files, { ...opts, threads: 1, fma: 'on' }), createCpuEngine(files, { ...opts, threads: 1, fma: 'off' })], ([fused, exact]) => {
    compareEngines(model, fused, exact, 0, seed);
    const batch = model.spec.fit.batchSize;
    const x = new Float32Array(batch * fused.inputSize).map((_, i) => Math.sin(i * 12.9898) * 0.5);
    const a = fused.predict(x, batch);
    const b = exact.predict(x, batch);
    differsFromExact = a.some((v, i) => v !== b[i]);
  });
  return { fusedPrograms, differsFromExact };
}

async function main(): Promise<void> {
  assert.ok(relaxedSimdValidates(), 'run with --experimental-wasm-relaxed-simd');
  const seen = [await checkModel(fixedModel(), 7)];
  const specs = fc.sample(arbSmallModelSpec(), { numRuns: 12, seed: Number(process.env.NNC_FC_SEED ?? 42) });
  for (const [k, spec] of specs.entries()) {
    const model = compileSmallModel(spec);
    if (model !== null) seen.push(await checkModel(model, 100 + k));
  }
  process.stdout.write(JSON.stringify({ models: seen.length, fusedPrograms: seen.reduce((n, s) => n + s.fusedPrograms, 0), differing: seen.filter((s) => s.differsFromExact).length }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
