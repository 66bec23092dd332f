// A tensor filled with one value; its shape may hold the batch dim N.

import { tensor } from '../ir/tensor';
import type { OpDef } from './op';
import { attrNumber, attrShape } from './util/attrs';
import { expectArity, f32 } from './util/check';

export const constant: OpDef = {
  name: 'constant',
  kind: 'source',
  arity: 0,
  inferType(inputs, attrs) {
    expectArity('constant', inputs, 0);
    attrNumber('constant', attrs, 'value');
    return f32(attrShape('constant', attrs, 'shape', []));
  },
  evaluate(_inputs, attrs, ctx) {
    const out = tensor(ctx.outShape);
    out.data.fill(attrNumber('constant', attrs, 'value'));
    return out;
  },
};
