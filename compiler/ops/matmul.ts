// 2-D matrix product op(a) @ op(b), op = transpose when transposeA / transposeB.
// Rules follow from C = A B: dA = dC B^T, dB = A^T dC, with the transposes folded into
// the flags so no transpose node is ever emitted.

import { tensor } from '../ir/tensor';
import type { Attrs } from '../ir/types';
import { formatShape } from '../ir/types';
import type { Builder, OpDef } from './op';
import { attrBool } from './util/attrs';
import { expectAllF32, expectArity, expectRank, f32, fail } from './util/check';

function flags(attrs: Attrs): { ta: boolean; tb: boolean } {
  return { ta: attrBool('matmul', attrs, 'transposeA', false), tb: attrBool('matmul', attrs, 'transposeB', false) };
}

function mm(b: Builder, x: number, y: number, transposeA: boolean, transposeB: boolean): number {
  return b.emit('matmul', [x, y], { transposeA, transposeB });
}

export const matmul: OpDef = {
  name: 'matmul',
  kind: 'contraction',
  arity: 2,
  inferType(inputs, attrs) {
    expectArity('matmul', inputs, 2);
    expectAllF32('matmul', inputs);
    const [a, b] = inputs;
    expectRank('matmul', a, 2, 'a');
    expectRank('matmul', b, 2, 'b');
    const { ta, tb } = flags(attrs);
    const [m, ka] = ta ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
    const [kb, n] = tb ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
    if (ka !== kb) fail('matmul', `inner dims differ: a ${formatShape(a.shape)}${ta ? '^T' : ''} and b ${formatShape(b.shape)}${tb ? '^T' : ''}`);
    return f32([m, n]);
  },
  evaluate([a, b], attrs, ctx) {
    const { ta, tb } = flags(attrs);
    const [m, n] = ctx.outShape;
    const k = ta ? a.shape[0] : a.shape[1];
    // op(a)[i, p] = a.data[i*ai + p*ap] and op(b)[p, j] = b.data[p*bp + j*bj].
    const [ai, ap] = ta ? [1, a.shape[1]] : [a.shape[1], 1];
    const [bp, bj] = tb ? [1, b.shape[1]] : [b.shape[1], 1];
    const out = tensor([m, n]);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[i * ai + p * ap] * b.data[p * bp + j * bj];
        out.data[i * n + j] = s;
      }
    }
    return out;
  },
  grad: ({ b, node, dy }) => {
    const [x, y] = node.inputs;
    const { ta, tb } = flags(node.attrs);
    if (!ta && !tb) return [mm(b, dy, y, false, true), mm(b, x, dy, true, false)];
    if (ta && !tb) return [mm(b, y, dy, false, true), mm(b, x, dy, false, false)];
    if (!ta && tb) return [mm(b, dy, y, false, false), mm(b, dy, x, true, false)];
    return [mm(b, y, dy, true, true), mm(b, dy, x, true, true)];
  },
};
