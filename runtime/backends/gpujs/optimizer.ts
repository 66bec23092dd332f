// The optimizer update on the GPU for one parameter: the param and its slots stay textures
// between steps. Every kernel reads the previous value of what it writes, and gpu.js cannot
// read a kernel's own output texture, so each kernel exists twice (ping and pong) and
// successive steps alternate: a step's outputs are written by one instance and read, on the
// next step, by the other. A result stays valid until the step after next overwrites it.
//
// The kernels come from the compiled model (one set per training program); the state
// belongs to the parameter, so programs of different batch sizes share it. The ping/pong
// choice is the parameter's, not the program's: whichever program runs a step, the
// instance it uses is never the one that wrote the state it reads. The step's uniforms
// (learning rate, Adam's step size, AdamW's decay, the clipping factor) are computed on the
// host (updateScalars) in float64, as the other backends compute them.

import type { GPU } from 'gpu.js';
import type { GpuKernel, Manifest } from '../../../format/manifest';
import type { OptimizerSpec } from '../../../format/spec';
import { clippingOf } from '../../../format/optimizer-slots';
import { learningRateAt } from '../../params/schedule';
import type { CompiledGpuKernel, GpuValue } from './kernels';
import { compileGpuKernel, readGpuValue } from './kernels';

/** One param's update kernel sources: one per slot, then the param's. */
export interface UpdateSources {
  readonly slots: readonly GpuKernel[];
  readonly param: GpuKernel;
}

interface UpdateInstance {
  readonly slots: readonly CompiledGpuKernel[];
  readonly param: CompiledGpuKernel;
  readonly sources: UpdateSources;
}

/** One param's update kernels compiled twice: ping and pong. */
export interface UpdateKernels {
  readonly instances: readonly [UpdateInstance, UpdateInstance];
  destroy(): void;
}

export function compileUpdateKernels(gpu: GPU, sources: UpdateSources): UpdateKernels {
  const instance = (): UpdateInstance => ({
    slots: sources.slots.map((s) => compileGpuKernel(gpu, s)), param: compileGpuKernel(gpu, sources.param), sources,
  });
  const instances: [UpdateInstance, UpdateInstance] = [instance(), instance()];
  return {
    instances,
    destroy() {
      for (const k of instances) for (const c of [...k.slots, k.param]) c.destroy();
    },
  };
}

/** Uniform values of one step, by name; gscale is per param (clipnorm) or shared (globalClipnorm). */
export type UpdateScalars = Readonly<Record<string, number>>;

/** Keras's Adam step size at 1-based step t: lr sqrt(1 - b2^t) / (1 - b1^t). */
export function adamStepSize(lr: number, beta1: number, beta2: number, step: number): number {
  if (!Number.isInteger(step) || step < 1) throw new Error(`adam: step ${step} must be a whole number >= 1`);
  return (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
}

/**
 * Every param's uniforms for update `step` (1-based). Clipping by norm reads the gradients
 * back (one readback per param) to take their norms in float64.
 */
export function updateScalars(o: OptimizerSpec, step: number, grads: readonly GpuValue[]): UpdateScalars[] {
  const lr = learningRateAt(o.learningRate, step - 1);
  const shared: Record<string, number> = { lr };
  if (o.kind === 'adam' || o.kind === 'adamw') shared.lrT = adamStepSize(lr, o.beta1, o.beta2, step);
  if (o.kind === 'adamw') shared.wdLr = lr * o.weightDecay;
  const c = clippingOf(o);
  if (c.kind !== 'norm' && c.kind !== 'globalNorm') return grads.map(() => shared);
  const sums = grads.map((g) => readGpuValue(g).reduce((s, x) => s + x * x, 0));
  const scale = (sum: number): number => c.limit / Math.max(Math.sqrt(sum), c.limit);
  if (c.kind === 'globalNorm') {
    const g = scale(sums.reduce((a, b) => a + b, 0));
    return grads.map(() => ({ ...shared, gscale: g }));
  }
  return sums.map((s) => ({ ...shared, gscale: scale(s) }));
}

export interface ParamState {
  readonly param: Float32Array;
  /** In slot order. */
  readonly slots: readonly Float32Array[];
}

export class GpuParam {
  private next = 0;
  private current: { param: GpuValue; slots: GpuValue[] };

  /** `initial` is the parameter's row-major data; its `slotCount` slots start at zero. */
  constructor(readonly shape: readonly number[], private readonly slotCount: number, initial: Float32Array) {
    this.current = { param: Float32Array.from(initial), slots: Array.from({ length: slotCount }, () => new Float32Array(initial.length)) };
  }

  /** The parameter's current value, to feed the kernels that read it. */
  get value(): GpuValue {
    return this.current.param;
  }

  /** One update with `kernels` and gradient `grad`, the step's uniforms in `scalars`; returns the new value. */
  update(kernels: UpdateKernels, grad: GpuValue, scalars: UpdateScalars): GpuValue {
    const k = kernels.instances[this.next];
    if (k.slots.length !== this.slotCount) throw new Error(`gpu.js update: ${k.slots.length} slot kernels for ${this.slotCount} slots`);
    this.next = 1 - this.next;
    const uniforms = (src: GpuKernel): number[] => src.scalars.map((n) => {
      const v = scalars[n];
      if (v === undefined) throw new Error(`gpu.js update: ${src.label} reads uniform ${n}, which this step does not set`);
      return v;
    });
    const slots: GpuValue[] = [];
    k.slots.forEach((kernel, i) => {
      slots.push(kernel.run([this.current.slots[i], grad, ...slots], uniforms(k.sources.slots[i])));
    });
    const param = k.param.run([this.current.param, grad, ...slots], uniforms(k.sources.param));
    this.current = { param, slots };
    return param;
  }

  readState(): ParamState {
    return { param: readGpuValue(this.current.param), slots: this.current.slots.map(readGpuValue) };
  }

  setState(state: ParamState): void {
    if (state.slots.length !== this.slotCount) throw new Error(`gpu.js update: state of ${state.slots.length} slots for ${this.slotCount}`);
    this.current = { param: Float32Array.from(state.param), slots: state.slots.map((s) => Float32Array.from(s)) };
  }
}

/** The manifest's update kernel sources of a training program, per param. */
export function programUpdateSources(m: Pick<Manifest, 'params'>, file: string, update: readonly { slots: readonly number[]; param: number }[], sources: readonly GpuKernel[]): UpdateSources[] {
  if (update.length !== m.params.length) throw new Error(`${file}: update kernels for ${update.length} params, the model has ${m.params.length}`);
  return update.map((u) => ({ slots: u.slots.map((i) => sources[i]), param: sources[u.param] }));
}
