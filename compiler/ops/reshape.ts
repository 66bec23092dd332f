// Same elements, new shape (row-major order kept). `shape` may hold N: the number of N
// dims and the product of the numeric dims must both match the input's.

import { tensor } from '../ir/tensor';
import { formatShape } from '../ir/types';
import type { OpDef } from './op';
import { attrShape } from './util/attrs';
import { expectArity, fail } from './util/check';
import { symbolicSize } from './util/shape';

export const reshape: OpDef = {
  name: 'reshape',
  kind: 'injective',
  aliasesInput: true,
  arity: 1,
  inferType(inputs, attrs) {
    expectArity('reshape', inputs, 1);
    const [x] = inputs;
    const shape = attrShape('reshape', attrs, 'shape');
    const from = symbolicSize(x.shape);
    const to = symbolicSize(shape);
    if (from.known !== to.known || from.batchDims !== to.batchDims) {
      fail('reshape', `cannot reshape ${formatShape(x.shape)} to ${formatShape(shape)}`);
    }
    return { shape, dtype: x.dtype };
  },
  evaluate: ([x], _attrs, ctx) => tensor(ctx.outShape, x.data),
  grad: ({ b, node, dy }) => [b.emit('reshape', [dy], { shape: b.type(node.inputs[0]).shape })],
};
