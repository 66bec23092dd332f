// Random whole models over everything the DSL offers (testing/arbitraries/model.ts): each
// compiles, and its compiled CPU and gpu.js training steps equal the float64 reference
// engine's over two steps (losses, the gradients the optimizer state reveals, updated
// weights, optimizer slots), as do evaluation and predictions (testing/check-backends.ts).
// In CI the seed is fixed and the runs are enough for every feature of MODEL_FEATURES to be
// drawn, which the test asserts; elsewhere each run draws a fresh seed (NNC_FC_SEED replays
// one, NNC_FC_RUNS sets the number of CPU runs) and logs what was not covered. gpu.js on
// Mesa's software renderer compiles each kernel slowly, so it sees the first third of the
// CPU's models (the same draws: same seed, same arbitraries), with every optimizer.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { buildModel, compileSpec, type CompiledModel } from '../../../compiler/pipeline';
import type { CompiledModelFiles } from '../../../format/manifest';
import type { ModelSpec } from '../../../format/spec';
import { adam, constant, conv2d, dense, flatten, glorotNormal, glorotUniform, l1, minMaxNorm, mnist, nonNeg, ones, sgd, softmax, zeros } from '../../../compiler/dsl/index';
import { createCpuEngine } from '../../../runtime/backends/cpu/engine';
import { createGpuEngine } from '../../../runtime/backends/gpujs/engine';
import { arbTrainableModelSpec, MODEL_FEATURES, missingFeatures } from '../../../testing/arbitraries/model';
import { printModelSource } from '../../../testing/arbitraries/spec';
import { compareWithReference, formatMismatch, type BackendComparison } from '../../../testing/check-backends';
import { referenceHostOps } from '../../../testing/host-ops';
import type { Engine } from '../../../runtime/engine';
import { assertSeeded, propertySeed } from '../../support/property-seed';
import { useGpu } from '../../support/webgl';

/** The CI seed: its 150 models draw every feature, and the first 55 every feature on gpu.js too (asserted below). */
const FIXED_SEED = 233;
const CPU_RUNS = Number(process.env.NNC_FC_RUNS ?? 150);
const GPU_RUNS = Math.ceil((CPU_RUNS * 11) / 30);

const built = new Map<string, Promise<{ model: CompiledModel; files: CompiledModelFiles }>>();

/** compileSpec + buildModel (CPU and gpu.js programs); the first GPU_RUNS are kept for the gpu.js test. */
function compiled(spec: ModelSpec): Promise<{ model: CompiledModel; files: CompiledModelFiles }> {
  const key = JSON.stringify(spec);
  const kept = built.get(key);
  if (kept) return kept;
  const b = (async () => { const model = compileSpec(spec); return { model, files: await buildModel(model) }; })();
  if (built.size < GPU_RUNS) built.set(key, b);
  return b;
}

function assertMatches(r: BackendComparison, spec: ModelSpec): void {
  if (!r.mismatch) return;
  const replay = `nnc check model.ts --backends --seed ${spec.fit.seed} --batch ${spec.fit.batchSize}`;
  assert.fail(`${r.backend}, ${formatMismatch(r.mismatch)}\nthe model (as model.ts, \`${replay}\` replays it):\n${printModelSource(spec)}`);
}

/** Compares, then disposes of `engine`; returns why the model could not be judged (float32 overflow), or null. */
async function compareOn(engine: Engine, model: CompiledModel, spec: ModelSpec): Promise<string | null> {
  try {
    const r = compareWithReference(model, engine, { seed: spec.fit.seed, batch: spec.fit.batchSize });
    assertMatches(r, spec);
    return r.notComparable;
  } finally {
    engine.dispose();
  }
}

/** Logs the coverage of `specs`; with the fixed seed, asserts that nothing of `wanted` was missed. */
function checkCoverage(what: string, specs: readonly ModelSpec[], wanted: readonly string[], fixed: boolean): void {
  const missing = missingFeatures(specs).filter((f) => wanted.includes(f));
  console.log(`      ${what}: ${specs.length} models, ${wanted.length - missing.length} of ${wanted.length} features drawn${missing.length ? `; not drawn: ${missing.join(', ')}` : ''}`);
  if (fixed) assert.deepEqual(missing, [], `the fixed seed no longer draws every feature: raise CPU_RUNS or change FIXED_SEED`);
}

describe('random models: compiled backends against the float64 reference', function () {
  this.timeout(600_000);
  const drawnSeed = propertySeed(FIXED_SEED);
  const seed = drawnSeed.seed;
  // Coverage is known (and asserted) only for the fixed seed at the default number of runs.
  const fixed = drawnSeed.fixed && process.env.NNC_FC_RUNS === undefined;
  before(() => console.log(`      fast-check seed ${seed}${drawnSeed.fixed ? ' (fixed)' : ' (fresh; NNC_FC_SEED replays it)'}, ${CPU_RUNS} runs on the CPU, ${GPU_RUNS} on gpu.js`));

  it('compiles every drawn model, and its CPU training steps, weights, slots and inference equal the reference', async () => {
    const drawn: ModelSpec[] = [];
    // Ops without a WebAssembly form run on the host (the CLI supplies them; a bare runtime cannot).
    const hostOps = new Map<string, number>();
    let overflowing = 0;
    await assertSeeded(fc.asyncProperty(arbTrainableModelSpec(), fc.constantFrom(1, 2), async (spec, threads) => {
      const { model, files } = await compiled(spec);
      const host = new Set(files.manifest.cpu.flatMap((p) => p.steps.flatMap((st) => (st.kind === 'host' ? [st.node.op] : []))));
      for (const op of host) hostOps.set(op, (hostOps.get(op) ?? 0) + 1);
      // gpu.js programs too: every model must get them.
      assert.equal(files.manifest.gpuRefusal, null, `gpu.js refused a model:\n${printModelSource(spec)}`);
      // Coverage counts the models compared, not those the reference could not judge.
      if (await compareOn(await createCpuEngine(files, { seed: spec.fit.seed, threads, hostOps: referenceHostOps }), model, spec)) overflowing++;
      else drawn.push(spec);
    }), seed, CPU_RUNS);
    console.log(`      cpu: ${overflowing} models not compared (the reference leaves float32's range)`);
    console.log(`      cpu: host steps (models): ${hostOps.size === 0 ? 'none' : [...hostOps].map(([op, n]) => `${op} (${n})`).join(', ')}`);
    checkCoverage('cpu', drawn, MODEL_FEATURES, fixed);
  });

  it('passes the models that once raised false alarms: a zero-norm group under minMaxNorm, logits near 500, 1,260 equal terms', async () => {
    // Found by the property (seeds 31, 41 and 52, the last two drawn wider than here): float32
    // rounding the tolerances did not allow for, amplified by the constraint, carried by large
    // logits, or accumulated over a long row of equal terms (a gradient then 1% off).
    const fit = (batchSize: number, seed: number): ModelSpec['fit'] => ({ batchSize, epochs: 1, validationSplit: 0, shuffle: false, seed });
    const cases: ModelSpec[] = [{
      name: 'zero-norm', input: [4, 3, 3], loss: 'categoricalCrossentropy', metrics: [], data: mnist(), fit: fit(6, 7923),
      optimizer: adam({ learningRate: 0.01, beta1: 0.9, beta2: 0.9, epsilon: 0.001 }),
      layers: [
        conv2d({ filters: 3, kernelSize: [1, 3], strides: [1, 2], padding: 'same', activation: 'sigmoid', useBias: false, kernelInitializer: zeros(),
          kernelRegularizer: l1(0.001), kernelConstraint: minMaxNorm({ minValue: 0.2, maxValue: 0.5, rate: 1, axis: [0, 3] }) }),
        flatten(), dense({ units: 6, activation: 'softmax', kernelInitializer: ones(), biasInitializer: glorotNormal() }),
      ],
    }, {
      name: 'large-logits', input: [5, 14, 2], loss: 'sparseCategoricalCrossentropy', metrics: [], data: mnist(), fit: fit(6, 164),
      optimizer: sgd({ learningRate: 0.01, momentum: 0.5, nesterov: true }),
      layers: [
        conv2d({ filters: 6, kernelSize: [2, 1], strides: [2, 1], padding: 'same', kernelInitializer: constant(0.5), biasInitializer: ones() }),
        flatten(), dense({ units: 15, activation: 'softmax', kernelInitializer: ones() }),
      ],
    }, {
      name: 'equal-terms', input: [13, 10, 2], loss: 'categoricalCrossentropy', metrics: [], data: mnist(), fit: fit(30, 8053),
      optimizer: sgd({ learningRate: 0.01, momentum: 0.5, nesterov: true }),
      layers: [
        conv2d({ filters: 20, kernelSize: [1, 2], strides: [2, 1], kernelInitializer: zeros(), biasInitializer: constant(0.5), kernelConstraint: nonNeg(), biasConstraint: nonNeg() }),
        flatten(), dense({ units: 19, kernelInitializer: constant(0.1), biasInitializer: glorotUniform() }), softmax(),
      ],
    }];
    for (const spec of cases) {
      const { model, files } = await compiled(spec);
      await compareOn(await createCpuEngine(files, { seed: spec.fit.seed, threads: 1, hostOps: referenceHostOps }), model, spec);
    }
  });

  describe('on gpu.js (WebGL)', () => {
    useGpu();

    it('runs the same models\' training steps, weights, slots and inference like the reference', async () => {
      const drawn: ModelSpec[] = [];
      let overflowing = 0;
      // The thread count is drawn (and unused) so that the draws are the CPU test's.
      await assertSeeded(fc.asyncProperty(arbTrainableModelSpec(), fc.constantFrom(1, 2), async (spec, _threads) => {
        const { model, files } = await compiled(spec);
        const engine = await createGpuEngine(files, spec.fit.seed);
        if ('reason' in engine) assert.fail(`no gpu.js engine: ${engine.reason}`);
        if (await compareOn(engine, model, spec)) overflowing++;
        else drawn.push(spec);
      }), seed, GPU_RUNS);
      console.log(`      gpu.js: ${overflowing} not compared (float32 overflow)`);
      checkCoverage('gpu.js', drawn, MODEL_FEATURES, fixed);
    });
  });
});
