// Integer labels (i32, any shape) to f32 one-hot rows of `depth` on a new last axis. A label
// outside [0, depth) gives a row of zeros, as TensorFlow's one_hot.

import { tensor } from '../ir/tensor';
import type { Attrs } from '../ir/types';
import type { OpDef } from './op';
import { attrNumber } from './util/attrs';
import { expectArity, expectDtype, f32, fail } from './util/check';

function depthOf(attrs: Attrs): number {
  const depth = attrNumber('oneHot', attrs, 'depth');
  if (!Number.isInteger(depth) || depth < 1) fail('oneHot', `depth ${depth} must be a positive integer`);
  return depth;
}

export const oneHot: OpDef = {
  name: 'oneHot',
  kind: 'opaque',
  arity: 1,
  inferType(inputs, attrs) {
    expectArity('oneHot', inputs, 1);
    expectDtype('oneHot', inputs[0], 'i32', 'labels');
    return f32([...inputs[0].shape, depthOf(attrs)]);
  },
  evaluate([labels], attrs, ctx) {
    const depth = depthOf(attrs);
    const out = tensor(ctx.outShape);
    labels.data.forEach((label, i) => {
      if (Number.isInteger(label) && label >= 0 && label < depth) out.data[i * depth + label] = 1;
    });
    return out;
  },
  grad: () => [null],
};
