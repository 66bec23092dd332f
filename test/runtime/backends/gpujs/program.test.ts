import { strict as assert } from 'node:assert';
import { adamw, conv2d, dense, dropout, flatten, maxPool2d, rmsprop, sgd, type OptimizerSpec } from '../../../../compiler/dsl/index';
import { simplify } from '../../../../compiler/passes/simplify';
import { generateGpuProgram } from '../../../../compiler/package/gpu';
import type { CompiledModel } from '../../../../compiler/pipeline';
import type { CompiledModelFiles, GpuProgram } from '../../../../format/manifest';
import { readGpuValue } from '../../../../runtime/backends/gpujs/kernels';
import { loadGpuProgram } from '../../../../runtime/backends/gpujs/program';
import { compileSmallModel, seededSpec } from '../../../support/models';
import { useGpu } from '../../../support/webgl';
import { buildGpuModel } from './build';

function model(): CompiledModel {
  const m = compileSmallModel(seededSpec([6, 6, 1], [
    conv2d({ filters: 2, kernelSize: 3 }), maxPool2d({ poolSize: 2 }), dropout({ rate: 0.5 }), flatten(), dense({ units: 3, activation: 'softmax' }),
  ], 3));
  assert.ok(m);
  return m;
}

describe('gpu.js programs (compiler/package/gpu.ts -> runtime/backends/gpujs/program.ts)', function () {
  this.timeout(120000);

  it('are plain JSON: the steps, outputs and kernels of a training program survive a round trip', () => {
    const m = model();
    const { program, kernels } = generateGpuProgram(simplify(m.training), 'train', 3, m.spec.optimizer, m.paramInfo, 'gpu/train-3.json');
    assert.deepEqual(JSON.parse(JSON.stringify({ program, kernels })), { program, kernels });
    assert.equal(program.file, 'gpu/train-3.json');
    assert.deepEqual(Object.keys(program.outputs).sort(), ['loss', 'probs', ...m.paramInfo.map((p) => `grad:${p.name}`)].sort());
    assert.equal(program.update?.length, m.paramInfo.length);
    program.update?.forEach((u, k) => {
      assert.deepEqual([...u.slots, u.param].map((i) => kernels[i].label), ['adam m', 'adam v', 'adam param']);
      assert.deepEqual(kernels[u.param].shape, m.paramInfo[k].shape);
    });
    // The dropout mask after the 2x2 pool of a 4x4x2 conv output: 3 * 2 * 2 * 2 values at rate 0.5.
    const masks = program.steps.flatMap((s) => (s.kind === 'mask' ? [{ count: s.count, rate: s.rate }] : []));
    assert.deepEqual(masks, [{ count: 24, rate: 0.5 }]);
    for (const s of program.steps) if (s.kind === 'kernel') assert.equal(kernels[s.kernel].args.length, s.inputs.length);
  });

  it('an inference program has no update kernels and no gradients', () => {
    const m = model();
    const { program } = generateGpuProgram(simplify(m.forward), 'infer', 1, null, m.paramInfo, 'gpu/infer-1.json');
    assert.equal(program.update, null);
    assert.deepEqual(Object.keys(program.outputs).sort(), ['loss', 'probs']);
    assert.ok(program.steps.every((s) => s.kind !== 'mask'));
  });

  it('gives every optimizer its kernels: one per slot, then the param, reading only the uniforms it needs', () => {
    const m = model();
    const cases: [OptimizerSpec, string[], string[]][] = [
      [sgd(), ['sgd param'], ['lr']],
      [sgd({ momentum: 0.9, clipnorm: 1 }), ['sgd momentum', 'sgd param'], ['lr', 'gscale']],
      [rmsprop({ centered: true, momentum: 0.5 }), ['rmsprop velocity', 'rmsprop averageGradient', 'rmsprop momentum', 'rmsprop param'], ['lr']],
      [adamw({ clipvalue: 0.5 }), ['adamw m', 'adamw v', 'adamw param'], ['lrT', 'wdLr']],
    ];
    for (const [spec, labels, uniforms] of cases) {
      const { program, kernels } = generateGpuProgram(simplify(m.training), 'train', 3, spec, m.paramInfo, 'gpu/train-3.json');
      const u = (program.update ?? [])[0];
      assert.deepEqual([...u.slots, u.param].map((i) => kernels[i].label), labels);
      assert.deepEqual([...new Set([...u.slots, u.param].flatMap((i) => kernels[i].scalars))].sort(), [...uniforms].sort());
    }
  });

  describe('loading', () => {
    const gpu = useGpu();
    const inferOne = (compiled: CompiledModelFiles): GpuProgram => compiled.manifest.gpu.find((p) => p.mode === 'infer' && p.batch === 1) as GpuProgram;

    it('refuses a program that reads a value before making it, or whose kernel file is missing, naming the file', () => {
      const compiled = buildGpuModel(model());
      const program = inferOne(compiled);
      const early = { ...program, steps: [...program.steps].reverse() };
      assert.throws(() => loadGpuProgram(gpu(), compiled, early), /^Error: gpu\/infer-1\.json: value \d+ is read before it is made$/);
      assert.throws(() => loadGpuProgram(gpu(), compiled, { ...program, file: 'gpu/none.json' }), /^Error: the compiled model lacks gpu\/none\.json$/);
    });

    it('runs the batch-1 program read back from its file', () => {
      const m = model();
      const compiled = buildGpuModel(m);
      const loaded = loadGpuProgram(gpu(), compiled, inferOne(compiled));
      try {
        const shapes = new Map(m.paramInfo.map((p) => [p.name, p.shape.reduce((a, b) => a * b, 1)]));
        const out = loaded.run({ x: new Float32Array(36).fill(0.5), labels: new Float32Array([0, 1, 0]), param: (n) => new Float32Array(shapes.get(n) ?? 0).fill(0.1), seed: 0 });
        const probs = out.get('probs');
        assert.ok(probs);
        // Equal weights: every class scores the same.
        Array.from(readGpuValue(probs)).forEach((v) => assert.ok(Math.abs(v - 1 / 3) < 1e-6, `${v}`));
      } finally {
        loaded.destroy();
      }
    });
  });
});
