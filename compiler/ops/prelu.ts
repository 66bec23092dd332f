// PReLU (He et al. 2015): x > 0 ? x : alpha*x, alpha broadcast against x's trailing axes.
// Rule (as TensorFlow.js): dx = dy where x > 0 else alpha*dy; dalpha = sumTo(dy*min(x, 0)),
// so at exactly x = 0, dx = alpha*dy and alpha gets nothing.

import { S } from '../ir/scalar';
import type { TensorType } from '../ir/types';
import { formatShape } from '../ir/types';
import type { OpDef } from './op';
import { expectAllF32, expectArity, f32, fail } from './util/check';
import { mapBroadcast } from './util/evaluate';
import { scalarConstant, sumToShapeOf } from './util/gradient';
import { broadcastsTo } from './util/shape';

export const prelu: OpDef = {
  name: 'prelu',
  kind: 'broadcast',
  arity: 2,
  inferType(inputs: readonly TensorType[]): TensorType {
    expectArity('prelu', inputs, 2);
    expectAllF32('prelu', inputs);
    const [x, alpha] = inputs;
    if (!broadcastsTo(alpha.shape, x.shape)) {
      fail('prelu', `alpha ${formatShape(alpha.shape)} does not broadcast to input ${formatShape(x.shape)}`);
    }
    return f32(x.shape);
  },
  evaluate: (inputs, _attrs, ctx) => mapBroadcast(inputs, ctx.outShape, ([x, alpha]) => (x > 0 ? x : alpha * x)),
  scalar: () => S.select(S.bin('gt', S.arg(0), S.c(0)), S.arg(0), S.bin('mul', S.arg(1), S.arg(0))),
  grad: ({ b, node, dy }) => {
    const [x, alpha] = node.inputs;
    const zero = scalarConstant(b, 0);
    const positive = b.emit('greater', [x, zero]);
    const dx = b.emit('where', [positive, dy, b.emit('mul', [dy, alpha])]);
    const dalpha = b.emit('mul', [dy, b.emit('minimum', [x, zero])]);
    return [dx, sumToShapeOf(b, dalpha, alpha)];
  },
};
