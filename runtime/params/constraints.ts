// Keras weight constraints, applied to a parameter after each update.

import type { ConstraintSpec } from '../../format/spec';

const KERAS_EPSILON = 1e-7;

export type NormConstraint = Extract<ConstraintSpec, { kind: 'maxNorm' | 'minMaxNorm' }>;

/** Each element's group norm over `axis` (Keras semantics): one norm per slice that varies along the other axes. */
export function groupNorms(data: ArrayLike<number>, shape: readonly number[], axis: readonly number[]): Float64Array {
  const strides: number[] = [];
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { strides[d] = acc; acc *= shape[d]; }
  const reduced = new Set(axis.map((a) => (a < 0 ? a + shape.length : a)));
  const groupKey = (flat: number): number => {
    let key = 0;
    for (let d = 0; d < shape.length; d++) {
      if (reduced.has(d)) continue;
      key = key * shape[d] + Math.floor(flat / strides[d]) % shape[d];
    }
    return key;
  };
  const sums = new Map<number, number>();
  for (let i = 0; i < data.length; i++) { const k = groupKey(i); sums.set(k, (sums.get(k) ?? 0) + data[i] * data[i]); }
  return Float64Array.from({ length: data.length }, (_, i) => Math.sqrt(sums.get(groupKey(i)) ?? 0));
}

/** The factor a norm constraint multiplies a group of norm `n` by. */
export function normScale(spec: NormConstraint, n: number): number {
  if (spec.kind === 'maxNorm') return Math.min(n, spec.maxValue) / (KERAS_EPSILON + n);
  const desired = spec.rate * Math.min(Math.max(n, spec.minValue), spec.maxValue) + (1 - spec.rate) * n;
  return desired / (KERAS_EPSILON + n);
}

export function applyConstraint(spec: ConstraintSpec, data: Float32Array, shape: readonly number[]): void {
  if (spec.kind === 'nonNeg') {
    for (let i = 0; i < data.length; i++) if (data[i] < 0) data[i] = 0;
    return;
  }
  const norms = groupNorms(data, shape, spec.axis);
  for (let i = 0; i < data.length; i++) data[i] *= normScale(spec, norms[i]);
}
