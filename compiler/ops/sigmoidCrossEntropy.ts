// Binary cross-entropy from logits, per element (TensorFlow's
// sigmoid_cross_entropy_with_logits): max(x, 0) - x*z + log(1 + exp(-|x|)), which never
// overflows exp and equals -z log(sigmoid(x)) - (1-z) log(1 - sigmoid(x)).
// Rule: dx = (sigmoid(x) - z) * dy, exact everywhere (no kink at 0); dz = -x * dy.

import { S } from '../ir/scalar';
import { defineBroadcast } from './util/define';
import { sumToShapeOf } from './util/gradient';

export const sigmoidCrossEntropy = defineBroadcast({
  name: 'sigmoidCrossEntropy',
  arity: 2,
  f: ([x, z]) => Math.max(x, 0) - x * z + Math.log(1 + Math.exp(-Math.abs(x))),
  scalar: () => {
    const x = S.arg(0);
    const softplusTail = S.un('log', S.bin('add', S.c(1), S.un('exp', S.un('neg', S.un('abs', x)))));
    return S.bin('add', S.bin('sub', S.bin('max', x, S.c(0)), S.bin('mul', x, S.arg(1))), softplusTail);
  },
  grad: ({ b, node, dy }) => {
    const [x, z] = node.inputs;
    const dx = b.emit('mul', [b.emit('sub', [b.emit('sigmoid', [x]), z]), dy]);
    const dz = b.emit('neg', [b.emit('mul', [x, dy])]);
    return [sumToShapeOf(b, dx, x), sumToShapeOf(b, dz, z)];
  },
});
