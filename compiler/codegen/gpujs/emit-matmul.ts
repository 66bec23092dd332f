// matmul: out[m, n] = sum_k op(a)[m, k] * op(b)[k, n], op = transpose per flag. The
// transposes are folded into the index arithmetic; no data moves.

import { attrBool } from '../../ops/util/attrs';
import type { EmitArgs } from './kernel';
import { linearIndex } from './layout';

export function emitMatmul({ w, attrs, inputs: [a, b], coords: [m, n] }: EmitArgs): string {
  const ta = attrBool('matmul', attrs, 'transposeA', false);
  const tb = attrBool('matmul', attrs, 'transposeB', false);
  const [aRows, aCols] = a.shape;
  const bCols = b.shape[1];
  const depth = ta ? aRows : aCols;
  const acc = w.fresh('acc');
  w.line(`let ${acc} = 0;`);
  w.loop('k', depth, (k) => {
    const ai = ta ? linearIndex([[k, aCols], [m, 1]]) : linearIndex([[m, aCols], [k, 1]]);
    const bi = tb ? linearIndex([[n, bCols], [k, 1]]) : linearIndex([[k, bCols], [n, 1]]);
    w.line(`${acc} += ${a.name}[${ai}] * ${b.name}[${bi}];`);
  });
  return acc;
}
