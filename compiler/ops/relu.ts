import { S } from '../ir/scalar';
import { defineUnary } from './util/define';
import { scalarConstant } from './util/gradient';

// dx = dy where x > 0, and 0 at exactly x = 0 (TensorFlow's convention).
export const relu = defineUnary({
  name: 'relu',
  f: () => (x) => (x > 0 ? x : 0),
  scalar: () => S.select(S.bin('gt', S.arg(0), S.c(0)), S.arg(0), S.c(0)),
  grad: ({ b, node, dy }) => {
    const zero = scalarConstant(b, 0);
    return [b.emit('where', [b.emit('greater', [node.inputs[0], zero]), dy, zero])];
  },
});
