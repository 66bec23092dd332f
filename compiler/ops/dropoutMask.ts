// Inverted-dropout mask: each element 0 with probability `rate`, else 1/(1-rate), drawn in
// row-major order from the evaluation RNG. The forward graph multiplies by it and the
// backward graph reuses the same node, so the mask is kept for the backward pass.

import { tensor } from '../ir/tensor';
import type { Attrs } from '../ir/types';
import type { OpDef } from './op';
import { attrNumber, attrShape } from './util/attrs';
import { expectArity, f32, fail } from './util/check';

function rateOf(attrs: Attrs): number {
  const rate = attrNumber('dropoutMask', attrs, 'rate');
  if (rate < 0 || rate >= 1) fail('dropoutMask', `rate ${rate} is not in [0, 1)`);
  return rate;
}

export const dropoutMask: OpDef = {
  name: 'dropoutMask',
  kind: 'source',
  arity: 0,
  random: true,
  inferType(inputs, attrs) {
    expectArity('dropoutMask', inputs, 0);
    rateOf(attrs);
    return f32(attrShape('dropoutMask', attrs, 'shape'));
  },
  evaluate(_inputs, attrs, ctx) {
    const rate = rateOf(attrs);
    const keep = 1 / (1 - rate);
    const out = tensor(ctx.outShape);
    for (let i = 0; i < out.data.length; i++) out.data[i] = ctx.random() < rate ? 0 : keep;
    return out;
  },
};
