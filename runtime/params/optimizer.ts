// Keras optimizer semantics on plain arrays: the reference the compiled update kernels match.

import type { OptimizerSpec } from '../../format/spec';

export interface OptimizerSlots {
  /** Slot arrays per parameter, by slot name (adam: m, v; sgd: momentum). */
  readonly slots: Map<string, Float32Array[]>;
}

export function slotNames(spec: OptimizerSpec): string[] {
  return spec.kind === 'adam' ? ['m', 'v'] : spec.momentum > 0 ? ['momentum'] : [];
}

/** One update of every parameter; `step` is 1-based (Adam's bias correction). */
export function applyUpdate(spec: OptimizerSpec, params: Float32Array[], grads: ArrayLike<number>[], slots: Map<string, Float32Array[]>, step: number): void {
  if (spec.kind === 'adam') {
    const lrT = spec.learningRate * Math.sqrt(1 - Math.pow(spec.beta2, step)) / (1 - Math.pow(spec.beta1, step));
    const ms = slots.get('m') as Float32Array[];
    const vs = slots.get('v') as Float32Array[];
    params.forEach((p, k) => {
      const g = grads[k]; const m = ms[k]; const v = vs[k];
      for (let i = 0; i < p.length; i++) {
        m[i] = spec.beta1 * m[i] + (1 - spec.beta1) * g[i];
        v[i] = spec.beta2 * v[i] + (1 - spec.beta2) * g[i] * g[i];
        p[i] -= (lrT * m[i]) / (Math.sqrt(v[i]) + spec.epsilon);
      }
    });
    return;
  }
  const velocities = slots.get('momentum');
  params.forEach((p, k) => {
    const g = grads[k];
    if (!velocities) { for (let i = 0; i < p.length; i++) p[i] -= spec.learningRate * g[i]; return; }
    const vel = velocities[k];
    for (let i = 0; i < p.length; i++) {
      vel[i] = spec.momentum * vel[i] - spec.learningRate * g[i];
      p[i] += spec.nesterov ? spec.momentum * vel[i] - spec.learningRate * g[i] : vel[i];
    }
  });
}
