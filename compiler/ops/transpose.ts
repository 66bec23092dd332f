// Permutes axes: output axis i is input axis perm[i].

import { strides, tensor } from '../ir/tensor';
import type { Attrs } from '../ir/types';
import type { OpDef } from './op';
import { attrInts } from './util/attrs';
import { expectArity, fail } from './util/check';

function permOf(attrs: Attrs, rank: number): number[] {
  const perm = attrInts('transpose', attrs, 'perm');
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((p, i) => p !== i)) {
    fail('transpose', `perm [${perm.join(',')}] is not a permutation of ${rank} axes`);
  }
  return perm;
}

export function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => { inverse[p] = i; });
  return inverse;
}

export const transpose: OpDef = {
  name: 'transpose',
  kind: 'injective',
  arity: 1,
  inferType(inputs, attrs) {
    expectArity('transpose', inputs, 1);
    const [x] = inputs;
    const perm = permOf(attrs, x.shape.length);
    return { shape: perm.map((p) => x.shape[p]), dtype: x.dtype };
  },
  evaluate([x], attrs, ctx) {
    const perm = permOf(attrs, x.shape.length);
    const out = tensor(ctx.outShape);
    const inStrides = strides(x.shape);
    const rank = perm.length;
    const coord = new Array<number>(rank).fill(0);
    for (let flat = 0; flat < out.data.length; flat++) {
      let src = 0;
      for (let i = 0; i < rank; i++) src += coord[i] * inStrides[perm[i]];
      out.data[flat] = x.data[src];
      for (let i = rank - 1; i >= 0; i--) {
        if (++coord[i] < ctx.outShape[i]) break;
        coord[i] = 0;
      }
    }
    return out;
  },
  grad: ({ b, node, dy }) => [b.emit('transpose', [dy], { perm: inversePermutation(permOf(node.attrs, node.type.shape.length)) })],
};
