// Adam on the GPU for one parameter: the param and its slots m and v stay textures between
// steps. Every kernel reads the previous value of what it writes, and gpu.js cannot read a
// kernel's own output texture, so each kernel exists twice (ping and pong) and successive
// steps alternate: a step's outputs are written by one instance and read, on the next
// step, by the other. A result stays valid until the step after next overwrites it.
//
// The kernels come from the compiled model (one set per training program); the state
// belongs to the parameter, so programs of different batch sizes share it. The ping/pong
// choice is the parameter's, not the program's: whichever program runs a step, the
// instance it uses is never the one that wrote the state it reads.

import type { GPU } from 'gpu.js';
import type { GpuKernel } from '../../../format/manifest';
import type { CompiledGpuKernel, GpuValue } from './kernels';
import { compileGpuKernel, readGpuValue } from './kernels';

/** What the step size needs; beta1, beta2 and epsilon are also baked into the kernels. */
export interface AdamSettings {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
}

/** Keras's step size at 1-based step t: lr sqrt(1 - b2^t) / (1 - b1^t). */
export function adamStepSize(s: AdamSettings, step: number): number {
  if (!Number.isInteger(step) || step < 1) throw new Error(`adam: step ${step} must be a whole number >= 1`);
  return (s.learningRate * Math.sqrt(1 - s.beta2 ** step)) / (1 - s.beta1 ** step);
}

/** One param's Adam kernel sources: (m, g) -> m', (v, g) -> v', (p, m', v'; lrT) -> p'. */
export interface AdamSources {
  readonly m: GpuKernel;
  readonly v: GpuKernel;
  readonly param: GpuKernel;
}

interface AdamInstance {
  readonly m: CompiledGpuKernel;
  readonly v: CompiledGpuKernel;
  readonly param: CompiledGpuKernel;
}

/** One param's Adam kernels compiled twice: ping and pong. */
export interface AdamKernels {
  readonly instances: readonly [AdamInstance, AdamInstance];
  destroy(): void;
}

export function compileAdamKernels(gpu: GPU, sources: AdamSources): AdamKernels {
  const instance = (): AdamInstance => ({
    m: compileGpuKernel(gpu, sources.m), v: compileGpuKernel(gpu, sources.v), param: compileGpuKernel(gpu, sources.param),
  });
  const instances: [AdamInstance, AdamInstance] = [instance(), instance()];
  return {
    instances,
    destroy() {
      for (const k of instances) {
        k.m.destroy();
        k.v.destroy();
        k.param.destroy();
      }
    },
  };
}

export interface AdamState {
  readonly param: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

export class GpuAdamParam {
  private next = 0;
  private current: { param: GpuValue; m: GpuValue; v: GpuValue };

  /** `initial` is the parameter's row-major data; m and v start at zero. */
  constructor(readonly shape: readonly number[], private readonly settings: AdamSettings, initial: Float32Array) {
    this.current = { param: Float32Array.from(initial), m: new Float32Array(initial.length), v: new Float32Array(initial.length) };
  }

  /** The parameter's current value, to feed the kernels that read it. */
  get value(): GpuValue {
    return this.current.param;
  }

  /** One Adam step with `kernels`, gradient `grad`, at 1-based step `step`; returns the new value. */
  update(kernels: AdamKernels, grad: GpuValue, step: number): GpuValue {
    const k = kernels.instances[this.next];
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
}
