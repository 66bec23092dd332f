// Keras weight constraints, applied to a parameter after each update.

import type { ConstraintSpec } from '../../format/spec';

const KERAS_EPSILON = 1e-7;

/** Norms over `axis` (Keras semantics): one norm per slice that varies along the other axes. */
function rescaleByNorm(data: Float32Array, shape: readonly number[], axis: readonly number[], scale: (norm: number) => number): void {
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
  for (let i = 0; i < data.length; i++) data[i] *= scale(Math.sqrt(sums.get(groupKey(i)) ?? 0));
}

export function applyConstraint(spec: ConstraintSpec, data: Float32Array, shape: readonly number[]): void {
  switch (spec.kind) {
    case 'nonNeg':
      for (let i = 0; i < data.length; i++) if (data[i] < 0) data[i] = 0;
      return;
    case 'maxNorm':
      rescaleByNorm(data, shape, spec.axis, (n) => Math.min(n, spec.maxValue) / (KERAS_EPSILON + n));
      return;
    case 'minMaxNorm':
      rescaleByNorm(data, shape, spec.axis, (n) => {
        const desired = spec.rate * Math.min(Math.max(n, spec.minValue), spec.maxValue) + (1 - spec.rate) * n;
        return desired / (KERAS_EPSILON + n);
      });
      return;
  }
}
