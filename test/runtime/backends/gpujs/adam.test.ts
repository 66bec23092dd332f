import { strict as assert } from 'assert';
import fc from 'fast-check';
import type { GPU } from 'gpu.js';
import { emitAdamKernels } from '../../../../compiler/codegen/gpujs/adam';
import { assembleKernel } from '../../../../compiler/codegen/gpujs/kernel';
import { adamStepSize, compileAdamKernels, GpuAdamParam, type AdamKernels } from '../../../../runtime/backends/gpujs/adam';
import { compileGpuKernel, readGpuValue } from '../../../../runtime/backends/gpujs/kernels';
import { useGpu } from '../../../support/webgl';
import { f32Values } from '../../../compiler/codegen/gpujs/arbitraries';

const KERAS = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/**
 * Keras's Adam in float64, the oracle, written out here rather than calling the
 * implementation's adamStepSize: lr_t = lr sqrt(1 - b2^t) / (1 - b1^t).
 */
function adamReference(p0: readonly number[], grads: readonly (readonly number[])[]): { p: number[]; m: number[]; v: number[] } {
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps } = KERAS;
  let p = [...p0];
  let m = p.map(() => 0);
  let v = p.map(() => 0);
  grads.forEach((g, i) => {
    const t = i + 1;
    const lrT = (lr * Math.sqrt(1 - Math.pow(b2, t))) / (1 - Math.pow(b1, t));
    m = m.map((mi, j) => b1 * mi + (1 - b1) * g[j]);
    v = v.map((vi, j) => b2 * vi + (1 - b2) * g[j] * g[j]);
    p = p.map((pi, j) => pi - (lrT * m[j]) / (Math.sqrt(v[j]) + eps));
  });
  return { p, m, v };
}

function close(actual: Float32Array, expected: readonly number[], what: string): void {
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= 1e-6 + 1e-4 * Math.abs(e), `${what}[${i}]: gpu ${actual[i]}, reference ${e}`));
}

/** A param's Adam kernels as a compiled model carries them, compiled ping and pong. */
function adamKernels(gpu: GPU, shape: readonly number[]): AdamKernels {
  return compileAdamKernels(gpu, emitAdamKernels(shape, KERAS));
}

describe('Adam on the GPU', () => {
  const gpu = useGpu();

  it('computes Keras\'s step size lr*sqrt(1-b2^t)/(1-b1^t)', () => {
    // t = 1: 0.001 * sqrt(1 - 0.999) / (1 - 0.9) = 0.001 * sqrt(0.001) / 0.1
    assert.ok(Math.abs(adamStepSize(KERAS, 1) - 0.001 * Math.sqrt(0.001) / 0.1) < 1e-15);
    // t = 2: 0.001 * sqrt(1 - 0.998001) / (1 - 0.81)
    assert.ok(Math.abs(adamStepSize(KERAS, 2) - 0.001 * Math.sqrt(0.001999) / 0.19) < 1e-15);
    assert.throws(() => adamStepSize(KERAS, 0), /step 0/);
  });

  it('follows float64 Keras Adam over several steps, double-buffered, with gradients as textures', () => {
    const size = 6;
    const values = fc.array(f32Values(-1, 1), { minLength: size, maxLength: size });
    const kernels = adamKernels(gpu(), [2, 3]);
    // The gradient arrives as another kernel's output, as in a training step.
    const gradKernel = compileGpuKernel(gpu(), assembleKernel({
      label: 'grad', out: [2, 3], inputs: [[2, 3]], attrs: {}, emit: ({ inputs: [g], flat }) => `${g.name}[${flat}]`,
    }));
    try {
      fc.assert(fc.property(values, fc.array(values, { minLength: 3, maxLength: 5 }), (p0, grads) => {
        const adam = new GpuAdamParam([2, 3], KERAS, Float32Array.from(p0));
        grads.forEach((g, t) => adam.update(kernels, gradKernel.run([Float32Array.from(g)]), t + 1));
        const expected = adamReference(p0.map(Math.fround), grads.map((g) => g.map(Math.fround)));
        const state = adam.readState();
        close(state.m, expected.m, 'm');
        close(state.v, expected.v, 'v');
        close(state.param, expected.p, 'param');
        close(readGpuValue(adam.value), expected.p, 'value');
      }), { numRuns: 2 });
    } finally {
      gradKernel.destroy();
      kernels.destroy();
    }
  });

  it('continues from a saved state exactly as an uninterrupted run', () => {
    const grads = [[0.5, -1], [0.25, 0.75], [-0.5, 0.125], [1, -0.25]];
    const kernels = [adamKernels(gpu(), [2]), adamKernels(gpu(), [2]), adamKernels(gpu(), [2])];
    const whole = new GpuAdamParam([2], KERAS, new Float32Array([0.1, -0.2]));
    const first = new GpuAdamParam([2], KERAS, new Float32Array([0.1, -0.2]));
    const resumed = new GpuAdamParam([2], KERAS, new Float32Array(2));
    try {
      grads.forEach((g, t) => whole.update(kernels[0], Float32Array.from(g), t + 1));
      grads.slice(0, 2).forEach((g, t) => first.update(kernels[1], Float32Array.from(g), t + 1));
      resumed.setState(first.readState());
      grads.slice(2).forEach((g, t) => resumed.update(kernels[2], Float32Array.from(g), t + 3));
      assert.deepEqual(resumed.readState(), whole.readState());
    } finally {
      for (const k of kernels) k.destroy();
    }
  });

  it('shares one state between the kernels of two programs (train at two batch sizes)', () => {
    const grads = [[0.5, -1, 2], [0.25, 0.75, -1], [-0.5, 0.125, 0], [1, -0.25, 0.5], [0.3, 0.3, -0.3]];
    const a = adamKernels(gpu(), [3]);
    const b = adamKernels(gpu(), [3]);
    const p0 = [0.1, -0.2, 0.3];
    const mixed = new GpuAdamParam([3], KERAS, Float32Array.from(p0));
    try {
      // a, a, b, a, b: every switch and repeat of kernel set, each reading the other's textures.
      [a, a, b, a, b].forEach((k, t) => mixed.update(k, Float32Array.from(grads[t]), t + 1));
      const expected = adamReference(p0.map(Math.fround), grads);
      const s = mixed.readState();
      close(s.param, expected.p, 'param');
      close(s.m, expected.m, 'm');
      close(s.v, expected.v, 'v');
    } finally {
      a.destroy();
      b.destroy();
    }
  });
});
