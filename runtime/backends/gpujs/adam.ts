// Adam on the GPU for one parameter: the param and its slots m and v stay textures between
// steps. Every kernel reads the previous value of what it writes, and gpu.js cannot read a
// kernel's own output texture, so each kernel exists twice (ping and pong) and successive
// steps alternate: a step's outputs are written by one instance and read, on the next
// step, by the other. A result stays valid until the step after next overwrites it.

import type { GPU } from 'gpu.js';
import type { AdamHyperparameters } from '../../../compiler/codegen/gpujs/adam';
import { emitAdamKernels } from '../../../compiler/codegen/gpujs/adam';
import type { CompiledGpuKernel, GpuValue } from './kernels';
import { compileGpuKernel, readGpuValue } from './kernels';

export interface AdamSettings extends AdamHyperparameters {
  readonly learningRate: number;
}

/** Keras's step size at 1-based step t: lr sqrt(1 - b2^t) / (1 - b1^t). */
export function adamStepSize(s: AdamSettings, step: number): number {
  if (!Number.isInteger(step) || step < 1) throw new Error(`adam: step ${step} must be a whole number >= 1`);
  return (s.learningRate * Math.sqrt(1 - s.beta2 ** step)) / (1 - s.beta1 ** step);
}

interface AdamInstance {
  readonly m: CompiledGpuKernel;
  readonly v: CompiledGpuKernel;
  readonly param: CompiledGpuKernel;
}

export interface AdamState {
  readonly param: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

export class GpuAdamParam {
  private readonly instances: readonly [AdamInstance, AdamInstance];
  private next = 0;
  private current: { param: GpuValue; m: GpuValue; v: GpuValue };

  /** `initial` is the parameter's row-major data; m and v start at zero. */
  constructor(gpu: GPU, readonly shape: readonly number[], private readonly settings: AdamSettings, initial: Float32Array) {
    const sources = emitAdamKernels(shape, settings);
    const instance = (): AdamInstance => ({
      m: compileGpuKernel(gpu, sources.m), v: compileGpuKernel(gpu, sources.v), param: compileGpuKernel(gpu, sources.param),
    });
    this.instances = [instance(), instance()];
    this.current = { param: Float32Array.from(initial), m: new Float32Array(initial.length), v: new Float32Array(initial.length) };
  }

  /** The parameter's current value, to feed the kernels that read it. */
  get value(): GpuValue {
    return this.current.param;
  }

  /** One Adam step with gradient `grad` at 1-based step `step`; returns the new value. */
  update(grad: GpuValue, step: number): GpuValue {
    const k = this.instances[this.next];
    this.next = 1 - this.next;
    const m = k.m.run([this.current.m, grad]);
    const v = k.v.run([this.current.v, grad]);
    const param = k.param.run([this.current.param, m, v], [adamStepSize(this.settings, step)]);
    this.current = { param, m, v };
    return param;
  }

  readState(): AdamState {
    return { param: readGpuValue(this.current.param), m: readGpuValue(this.current.m), v: readGpuValue(this.current.v) };
  }

  setState(state: AdamState): void {
    this.current = { param: Float32Array.from(state.param), m: Float32Array.from(state.m), v: Float32Array.from(state.v) };
  }

  destroy(): void {
    for (const k of this.instances) {
      k.m.destroy();
      k.v.destroy();
      k.param.destroy();
    }
  }
}
