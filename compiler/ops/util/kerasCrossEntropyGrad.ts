// The rule of Keras's probability cross-entropy, L = -sum_k t_k log(clip(p_k / s)) with
// s = sum(p): with q = p / s and g = dL/dq = -t / clip(q) (0 where the clip is active),
// dL/dp = (g - sum(g * q)) / s; dL/dt = -log(clip(q)). Both scaled by dy per row.

import type { Builder } from '../op';
import { EPSILON } from './crossEntropy';
import { scalarConstant, withUnitAxis } from './gradient';

export function kerasCrossEntropyGrad(b: Builder, probs: number, targets: number, dy: number): { dprobs: number; dtargets: number } {
  const lastAxis = { axes: [-1], keepDims: true };
  const total = b.emit('reduceSum', [probs], lastAxis);
  const q = b.emit('div', [probs, total]);
  const lo = scalarConstant(b, EPSILON);
  const hi = scalarConstant(b, 1 - EPSILON);
  const clipped = b.emit('maximum', [b.emit('minimum', [q, hi]), lo]);
  const inside = b.emit('mul', [b.emit('greater', [q, lo]), b.emit('greater', [hi, q])]);
  const perRow = withUnitAxis(b, dy);
  const dq = b.emit('neg', [b.emit('mul', [b.emit('div', [targets, clipped]), b.emit('mul', [inside, perRow])])]);
  const dot = b.emit('reduceSum', [b.emit('mul', [dq, q])], lastAxis);
  const dprobs = b.emit('div', [b.emit('sub', [dq, dot]), total]);
  const dtargets = b.emit('neg', [b.emit('mul', [b.emit('log', [clipped]), perRow])]);
  return { dprobs, dtargets };
}
