// Keras 3's binary cross-entropy on probabilities, per element: p is clipped to
// [1e-7, 1 - 1e-7], then -(z log(p) + (1 - z) log(1 - p)).
// Rule: dp = (-z/p + (1-z)/(1-p)) * dy inside the clip, 0 where it is active (as
// categoricalCrossentropy's); dz = -(log(p) - log(1 - p)) * dy at the clipped p.

import { S, type ScalarExpr } from '../ir/scalar';
import type { Builder } from './op';
import { defineBroadcast } from './util/define';
import { EPSILON } from './util/crossEntropy';
import { scalarConstant, sumToShapeOf } from './util/gradient';

// The clip bounds as float32 holds them (1 - 1e-7 rounds to 1 - 1.19e-7), so the float64
// reference clips where every float32 kernel does, as Keras at float32 does: near p = 1 the
// loss is -log(1 - HI), 15.94 and not 16.12.
const LO = Math.fround(EPSILON);
const HI = Math.fround(1 - EPSILON);

const clip = (p: number): number => Math.min(Math.max(p, LO), HI);

function clipped(b: Builder, p: number): number {
  return b.emit('maximum', [b.emit('minimum', [p, scalarConstant(b, HI)]), scalarConstant(b, LO)]);
}

export const binaryCrossentropy = defineBroadcast({
  name: 'binaryCrossentropy',
  arity: 2,
  f: ([p, z]) => -(z * Math.log(clip(p)) + (1 - z) * Math.log(1 - clip(p))),
  scalar: () => {
    const p: ScalarExpr = S.bin('max', S.bin('min', S.arg(0), S.c(HI)), S.c(LO));
    const z = S.arg(1);
    const logs = S.bin('add', S.bin('mul', z, S.un('log', p)), S.bin('mul', S.bin('sub', S.c(1), z), S.un('log', S.bin('sub', S.c(1), p))));
    return S.un('neg', logs);
  },
  grad: ({ b, node, dy }) => {
    const [p, z] = node.inputs;
    const one = scalarConstant(b, 1);
    const lo = scalarConstant(b, LO);
    const hi = scalarConstant(b, HI);
    const pc = clipped(b, p);
    const oneMinus = b.emit('sub', [one, pc]);
    const inside = b.emit('mul', [b.emit('greater', [p, lo]), b.emit('greater', [hi, p])]);
    const slope = b.emit('sub', [b.emit('div', [b.emit('sub', [one, z]), oneMinus]), b.emit('div', [z, pc])]);
    const dp = b.emit('mul', [b.emit('mul', [slope, inside]), dy]);
    const dz = b.emit('neg', [b.emit('mul', [b.emit('sub', [b.emit('log', [pc]), b.emit('log', [oneMinus])]), dy])]);
    return [sumToShapeOf(b, dp, p), sumToShapeOf(b, dz, z)];
  },
});
