import { strict as assert } from 'assert';
import fc from 'fast-check';
import { assembleKernel } from '../../../../compiler/codegen/gpujs/kernel';
import type { AdamSettings } from '../../../../runtime/backends/gpujs/adam';
import { adamStepSize, GpuAdamParam } from '../../../../runtime/backends/gpujs/adam';
import { compileGpuKernel, readGpuValue } from '../../../../runtime/backends/gpujs/kernels';
import { useGpu } from '../../../support/webgl';
import { f32Values } from '../../../compiler/codegen/gpujs/arbitraries';

const KERAS: AdamSettings = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/** Keras's Adam in float64, the oracle. */
function adamReference(s: AdamSettings, p0: readonly number[], grads: readonly (readonly number[])[]): { p: number[]; m: number[]; v: number[] } {
  let p = [...p0];
  let m = p.map(() => 0);
  let v = p.map(() => 0);
  grads.forEach((g, t) => {
    const lr = adamStepSize(s, t + 1);
    m = m.map((mi, i) => s.beta1 * mi + (1 - s.beta1) * g[i]);
    v = v.map((vi, i) => s.beta2 * vi + (1 - s.beta2) * g[i] * g[i]);
    p = p.map((pi, i) => pi - (lr * m[i]) / (Math.sqrt(v[i]) + s.epsilon));
  });
  return { p, m, v };
}

function close(actual: Float32Array, expected: readonly number[], what: string): void {
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= 1e-6 + 1e-4 * Math.abs(e), `${what}[${i}]: gpu ${actual[i]}, reference ${e}`));
}

describe('Adam on the GPU', () => {
  const gpu = useGpu();

  it('computes Keras\'s step size lr*sqrt(1-b2^t)/(1-b1^t)', () => {
    assert.ok(Math.abs(adamStepSize(KERAS, 1) - 0.001 * Math.sqrt(0.001) / 0.1) < 1e-15);
    assert.throws(() => adamStepSize(KERAS, 0), /step 0/);
  });

  it('follows float64 Keras Adam over several steps, double-buffered, with gradients as textures', () => {
    const size = 6;
    const values = fc.array(f32Values(-1, 1), { minLength: size, maxLength: size });
    fc.assert(fc.property(values, fc.array(values, { minLength: 3, maxLength: 5 }), (p0, grads) => {
      const adam = new GpuAdamParam(gpu(), [2, 3], KERAS, Float32Array.from(p0));
      // The gradient arrives as another kernel's output, as in a training step.
      const gradKernel = compileGpuKernel(gpu(), assembleKernel({
        label: 'grad', out: [2, 3], inputs: [[2, 3]], attrs: {}, emit: ({ inputs: [g], flat }) => `${g.name}[${flat}]`,
      }));
      try {
        grads.forEach((g, t) => adam.update(gradKernel.run([Float32Array.from(g)]), t + 1));
        const expected = adamReference(KERAS, p0.map(Math.fround), grads.map((g) => g.map(Math.fround)));
        const state = adam.readState();
        close(state.m, expected.m, 'm');
        close(state.v, expected.v, 'v');
        close(state.param, expected.p, 'param');
        close(readGpuValue(adam.value), expected.p, 'value');
      } finally {
        gradKernel.destroy();
        adam.destroy();
      }
    }), { numRuns: 2 });
  });

  it('continues from a saved state exactly as an uninterrupted run', () => {
    const grads = [[0.5, -1], [0.25, 0.75], [-0.5, 0.125], [1, -0.25]];
    const whole = new GpuAdamParam(gpu(), [2], KERAS, new Float32Array([0.1, -0.2]));
    const first = new GpuAdamParam(gpu(), [2], KERAS, new Float32Array([0.1, -0.2]));
    const resumed = new GpuAdamParam(gpu(), [2], KERAS, new Float32Array(2));
    try {
      grads.forEach((g, t) => whole.update(Float32Array.from(g), t + 1));
      grads.slice(0, 2).forEach((g, t) => first.update(Float32Array.from(g), t + 1));
      resumed.setState(first.readState());
      grads.slice(2).forEach((g, t) => resumed.update(Float32Array.from(g), t + 3));
      assert.deepEqual(resumed.readState(), whole.readState());
    } finally {
      whole.destroy();
      first.destroy();
      resumed.destroy();
    }
  });
});
