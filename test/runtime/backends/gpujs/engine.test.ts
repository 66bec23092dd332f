import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { compileFile } from '../../../../compiler/pipeline';
import type { CompiledModel } from '../../../../compiler/pipeline';
import { conv2d, dense, flatten, maxPool2d, prelu, dropout, constant } from '../../../../compiler/dsl/index';
import { createGpuEngine } from '../../../../runtime/backends/gpujs/engine';
import { createCpuEngine } from '../../../../runtime/backends/cpu/engine';
import type { Engine } from '../../../../runtime/engine';
import { compileSmallModel, seededSpec } from '../../../support/models';
import { useGpu } from '../../../support/webgl';

function seedModel(name: string): CompiledModel {
  const r = compileFile(path.join(__dirname, '../../../../models', `${name}.ts`));
  if (!r.ok) throw new Error(r.diagnostics.join('\n'));
  return r.model;
}

async function gpuEngine(model: CompiledModel): Promise<Engine> {
  const e = await createGpuEngine(model, 1);
  if ('reason' in e) throw new Error(e.reason);
  return e;
}

/** A deterministic batch whose label is a function of the image, so a model can learn it. */
function batchOf(model: CompiledModel, batch: number, offset: number): { x: Float32Array; labels: Float32Array } {
  const size = model.spec.input.reduce((a, b) => a * b, 1);
  const x = new Float32Array(batch * size);
  const labels = new Float32Array(batch * 10);
  for (let i = 0; i < batch; i++) {
    const cls = (i + offset) % 10;
    for (let j = 0; j < size; j++) x[i * size + j] = ((j * 7 + cls * 13) % 10 === 0 ? 1 : 0) + 0.05 * ((i * 31 + j) % 5);
    labels[i * 10 + cls] = 1;
  }
  return { x, labels };
}

function maxDiff(a: Engine, b: Engine): number {
  const pa = a.getState().params, pb = b.getState().params;
  let worst = 0;
  pa.forEach((p, k) => p.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - pb[k].data[i])); }));
  return worst;
}

describe('runtime/backends/gpujs engine', function () {
  this.timeout(600000);
  useGpu();

  for (const name of ['mnist-prelu', 'mnist-relu']) {
    it(`runs a whole ${name} training step like the CPU backend (batch 2)`, async () => {
      const model = seedModel(name);
      const gpu = await gpuEngine(model);
      const cpu = await createCpuEngine(model, 1, 1);
      try {
        const { x, labels } = batchOf(model, 2, 0);
        for (let step = 0; step < 2; step++) {
          const g = gpu.trainStep(x, labels, 2, 11 + step);
          const c = cpu.trainStep(x, labels, 2, 11 + step);
          assert.ok(Math.abs(g.loss - c.loss) <= 1e-4 + 1e-3 * Math.abs(c.loss), `step ${step}: gpu loss ${g.loss}, cpu ${c.loss}`);
          assert.equal(g.correct, c.correct);
        }
        // Two Adam steps move each weight by about 2e-3 whatever the gradient: 1e-4 catches a wrong one.
        const worst = maxDiff(gpu, cpu);
        assert.ok(worst < 1e-4, `params differ by ${worst}`);
        const e = gpu.evaluate(batchOf(model, 2, 3).x, batchOf(model, 2, 3).labels, 2);
        const f = cpu.evaluate(batchOf(model, 2, 3).x, batchOf(model, 2, 3).labels, 2);
        assert.ok(Math.abs(e.loss - f.loss) <= 1e-4 + 1e-3 * Math.abs(f.loss), `evaluate: gpu ${e.loss}, cpu ${f.loss}`);
      } finally {
        gpu.dispose();
        cpu.dispose();
      }
    });
  }

  it('lowers the loss over 200 steps on a small data set as the CPU backend does', async () => {
    const model = compileSmallModel(seededSpec([8, 8, 1], [
      conv2d({ filters: 4, kernelSize: 3 }), prelu({ alphaInitializer: constant(0.25) }), maxPool2d({ poolSize: 2 }),
      dropout({ rate: 0.25 }), flatten(), dense({ units: 10, activation: 'softmax' }),
    ], 10));
    assert.ok(model);
    const gpu = await gpuEngine(model);
    const cpu = await createCpuEngine(model, 1, 1);
    try {
      const losses = { gpu: [] as number[], cpu: [] as number[] };
      for (let step = 0; step < 200; step++) {
        const { x, labels } = batchOf(model, 10, step);
        losses.gpu.push(gpu.trainStep(x, labels, 10, step).loss);
        losses.cpu.push(cpu.trainStep(x, labels, 10, step).loss);
      }
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      const [g0, g1, c1] = [mean(losses.gpu.slice(0, 10)), mean(losses.gpu.slice(-10)), mean(losses.cpu.slice(-10))];
      assert.ok(g1 < 0.75 * g0, `gpu loss went from ${g0} to ${g1}`);
      assert.ok(Math.abs(g1 - c1) <= 0.05 * c1 + 1e-3, `after 200 steps gpu loss ${g1}, cpu ${c1}`);
    } finally {
      gpu.dispose();
      cpu.dispose();
    }
  });
});
