// The loss heads and metrics added in issue 14, each on a fixed small model: the CPU and
// gpu.js backends' training steps, weights, inference, accuracy and top-k counts equal the
// float64 reference's (the random-model property draws these too; these are the named cases).

import { strict as assert } from 'node:assert';
import {
  adam, binaryCrossentropy, categoricalCrossentropy, dense, flatten, conv2d, mnist, model, sgd, sigmoid, sparseTopKCategoricalAccuracy, topKCategoricalAccuracy,
  type LayerSpec, type ModelOptions, type ModelSpec,
} from '../../../compiler/dsl/index';
import { buildModel, compileSpec } from '../../../compiler/pipeline';
import { createCpuEngine } from '../../../runtime/backends/cpu/engine';
import { createGpuEngine } from '../../../runtime/backends/gpujs/engine';
import { compareWithReference, formatMismatch } from '../../../testing/check-backends';
import { useGpu } from '../../support/webgl';

const spec = (name: string, layers: readonly LayerSpec[], loss: ModelOptions['loss'], metrics: ModelOptions['metrics'] = ['accuracy']): ModelSpec =>
  model({ name, input: [4, 4, 1], layers: [conv2d({ filters: 2, kernelSize: 2, activation: 'relu' }), flatten(), ...layers], loss, optimizer: adam({ learningRate: 0.01 }), metrics, fit: { batchSize: 5, seed: 9 }, data: mnist() });

const CASES: readonly ModelSpec[] = [
  spec('bce-sigmoid', [dense({ units: 1, activation: 'sigmoid' })], 'binaryCrossentropy'),
  spec('bce-sigmoid-layer', [dense({ units: 1 }), sigmoid()], binaryCrossentropy()),
  spec('bce-logits', [dense({ units: 1 })], binaryCrossentropy({ fromLogits: true })),
  spec('bce-tanh', [dense({ units: 1, activation: 'tanh' })], 'binaryCrossentropy'),
  spec('mae', [dense({ units: 3 })], 'meanAbsoluteError'),
  spec('cce-logits-top2', [dense({ units: 4 })], categoricalCrossentropy({ fromLogits: true }), ['accuracy', topKCategoricalAccuracy({ k: 2 })]),
  { ...spec('scce-top3', [dense({ units: 5, activation: 'softmax' })], 'sparseCategoricalCrossentropy', [sparseTopKCategoricalAccuracy({ k: 3 })]), optimizer: sgd({ momentum: 0.5 }) },
];

describe('loss heads and metrics on the compiled backends', function () {
  this.timeout(600_000);

  it('CPU: every case trains and infers as the reference does', async () => {
    for (const s of CASES) {
      const m = compileSpec(s);
      const engine = await createCpuEngine(await buildModel(m, { gpu: false }), { seed: 9, threads: 2 });
      try {
        const r = compareWithReference(m, engine, { seed: 9, batch: 5 });
        assert.equal(r.mismatch, null, `${s.name}: ${r.mismatch ? formatMismatch(r.mismatch) : ''}`);
        assert.ok(r.compared.losses > 0);
      } finally {
        engine.dispose();
      }
    }
  });

  describe('on gpu.js (WebGL)', () => {
    useGpu();
    it('every case trains and infers as the reference does', async () => {
      for (const s of CASES) {
        const m = compileSpec(s);
        const files = await buildModel(m);
        assert.equal(files.manifest.gpuRefusal, null, s.name);
        const engine = await createGpuEngine(files, 9);
        if ('reason' in engine) assert.fail(`no gpu.js engine: ${engine.reason}`);
        try {
          const r = compareWithReference(m, engine, { seed: 9, batch: 5 });
          assert.equal(r.mismatch, null, `${s.name}: ${r.mismatch ? formatMismatch(r.mismatch) : ''}`);
        } finally {
          engine.dispose();
        }
      }
    });
  });
});
