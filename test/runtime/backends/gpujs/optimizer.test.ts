// The gpu.js optimizer update (compiler/codegen/gpujs/optimizer.ts, run by
// runtime/backends/gpujs/optimizer.ts) against Keras 3's formulas
// (test/support/keras-optimizers.ts): every optimizer, clipping and a schedule, over several
// steps, with double-buffered state shared between kernel sets and saved and restored.

import { strict as assert } from 'assert';
import fc from 'fast-check';
import type { GPU } from 'gpu.js';
import type { OptimizerSpec } from '../../../../format/spec';
import { adam, adamw, exponentialDecay, rmsprop, sgd } from '../../../../compiler/dsl/index';
import { emitUpdateKernels } from '../../../../compiler/codegen/gpujs/optimizer';
import { assembleKernel } from '../../../../compiler/codegen/gpujs/kernel';
import { optimizerSlotNames } from '../../../../format/optimizer-slots';
import { adamStepSize, compileUpdateKernels, GpuParam, updateScalars, type UpdateKernels } from '../../../../runtime/backends/gpujs/optimizer';
import { compileGpuKernel, readGpuValue, type GpuValue } from '../../../../runtime/backends/gpujs/kernels';
import { useGpu } from '../../../support/webgl';
import { f32Values } from '../../../compiler/codegen/gpujs/arbitraries';
import { kerasStart, kerasStep, type KerasOptimizer } from '../../../support/keras-optimizers';

const SHAPES = [[2, 3], [4]];

const CASES: [string, OptimizerSpec, KerasOptimizer][] = [
  ['Adam', adam(), { name: 'adam', learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 }],
  ['AdamW', adamw({ learningRate: 0.01, weightDecay: 0.1 }), { name: 'adamw', learning_rate: 0.01, weight_decay: 0.1, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 }],
  ['SGD', sgd({ learningRate: 0.1 }), { name: 'sgd', learning_rate: 0.1 }],
  ['SGD, Nesterov, clipnorm', sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, clipnorm: 0.5 }), { name: 'sgd', learning_rate: 0.1, momentum: 0.9, nesterov: true, clipnorm: 0.5 }],
  ['RMSprop', rmsprop({ learningRate: 0.01 }), { name: 'rmsprop', learning_rate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7 }],
  ['RMSprop, centred, momentum, clipvalue', rmsprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5, centered: true, epsilon: 1e-3, clipvalue: 0.3 }),
    { name: 'rmsprop', learning_rate: 0.01, rho: 0.8, momentum: 0.5, centered: true, epsilon: 1e-3, clipvalue: 0.3 }],
  ['Adam, globalClipnorm, exponential decay', adam({ learningRate: exponentialDecay({ initialLearningRate: 0.01, decaySteps: 1, decayRate: 0.5 }), globalClipnorm: 0.4 }),
    { name: 'adam', learning_rate: { kind: 'ExponentialDecay', initial_learning_rate: 0.01, decay_steps: 1, decay_rate: 0.5, staircase: false }, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, global_clipnorm: 0.4 }],
];

function close(actual: Float32Array, expected: readonly number[], what: string): void {
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= 1e-6 + 1e-4 * Math.abs(e), `${what}[${i}]: gpu ${actual[i]}, Keras ${e}`));
}

function kernelsFor(gpu: GPU, spec: OptimizerSpec): UpdateKernels[] {
  return SHAPES.map((shape) => compileUpdateKernels(gpu, emitUpdateKernels(shape, spec)));
}

/** Steps every param with kernel set `kernels[t % length]`, gradients arriving as textures; returns the params. */
function run(gpu: GPU, spec: OptimizerSpec, kernels: readonly UpdateKernels[][], p0: number[][], grads: number[][][]): GpuParam[] {
  const ps = SHAPES.map((shape, k) => new GpuParam(shape, optimizerSlotNames(spec).length, Float32Array.from(p0[k])));
  const copies = SHAPES.map((shape) => compileGpuKernel(gpu, assembleKernel({ label: 'grad', out: shape, inputs: [shape], attrs: {}, emit: ({ inputs: [g], flat }) => `${g.name}[${flat}]` })));
  try {
    grads.forEach((g, t) => {
      const textures: GpuValue[] = g.map((x, k) => copies[k].run([Float32Array.from(x)]));
      const scalars = updateScalars(spec, t + 1, textures);
      ps.forEach((p, k) => p.update(kernels[t % kernels.length][k], textures[k], scalars[k]));
    });
  } finally {
    for (const c of copies) c.destroy();
  }
  return ps;
}

describe('optimizer updates on the GPU', () => {
  const gpu = useGpu();

  it("computes Keras's Adam step size lr*sqrt(1-b2^t)/(1-b1^t)", () => {
    assert.ok(Math.abs(adamStepSize(0.001, 0.9, 0.999, 1) - 0.001 * Math.sqrt(0.001) / 0.1) < 1e-15);
    assert.ok(Math.abs(adamStepSize(0.001, 0.9, 0.999, 2) - 0.001 * Math.sqrt(0.001999) / 0.19) < 1e-15);
    assert.throws(() => adamStepSize(0.001, 0.9, 0.999, 0), /step 0/);
  });

  for (const [label, spec, keras] of CASES) {
    it(`${label} follows float64 Keras over several steps, double-buffered`, () => {
      const kernels = kernelsFor(gpu(), spec);
      const values = (n: number): fc.Arbitrary<number[]> => fc.array(f32Values(-1, 1), { minLength: n, maxLength: n });
      const draw = fc.tuple(values(6), values(4));
      try {
        fc.assert(fc.property(draw, fc.array(draw, { minLength: 3, maxLength: 4 }), (p0, grads) => {
          const ps = run(gpu(), spec, [kernels], p0, grads);
          const want = kerasStart(keras, p0.map((p) => p.map(Math.fround)));
          for (const g of grads) kerasStep(keras, want, g.map((x) => x.map(Math.fround)));
          ps.forEach((p, k) => {
            const s = p.readState();
            close(s.param, want.w[k], `param ${k}`);
            close(readGpuValue(p.value), want.w[k], `value ${k}`);
            optimizerSlotNames(spec).forEach((name, i) => close(s.slots[i], want.slots[name][k], `${name} ${k}`));
          });
        }), { numRuns: 2 });
      } finally {
        for (const k of kernels) k.destroy();
      }
    });
  }

  it('continues from a saved state exactly as an uninterrupted run, and shares state between two kernel sets', () => {
    const spec = rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true });
    const grads = [[[0.5, -1, 2, 0, 1, -0.5], [0.25, 0.75, -1, 0.5]], [[-0.5, 0.125, 0, 1, 1, 1], [1, -0.25, 0.5, 0]], [[0.3, 0.3, -0.3, 0.1, -0.2, 0], [0, 0, 1, -1]]];
    const p0 = [[0.1, -0.2, 0.3, 0, 0.5, -0.5], [1, 2, 3, 4]];
    const a = kernelsFor(gpu(), spec), b = kernelsFor(gpu(), spec), c = kernelsFor(gpu(), spec);
    try {
      const whole = run(gpu(), spec, [a], p0, grads).map((p) => p.readState());
      const first = run(gpu(), spec, [b], p0, grads.slice(0, 1));
      const resumed = SHAPES.map((shape) => new GpuParam(shape, 3, new Float32Array(shape.reduce((x, y) => x * y, 1))));
      resumed.forEach((p, k) => p.setState(first[k].readState()));
      // Steps 2 and 3 of the resumed params run with the kernels of two programs, alternating.
      const rest = grads.slice(1);
      rest.forEach((g, t) => {
        const scalars = updateScalars(spec, t + 2, g.map((x) => Float32Array.from(x)));
        resumed.forEach((p, k) => p.update([b, c][t][k], Float32Array.from(g[k]), scalars[k]));
      });
      assert.deepEqual(resumed.map((p) => p.readState()), whole);
    } finally {
      for (const k of [...a, ...b, ...c]) k.destroy();
    }
  });
});
