import { S } from '../ir/scalar';
import { defineUnary } from './util/define';

// d|x| = sign(x) dx (0 at x = 0, as TensorFlow).
export const abs = defineUnary({
  name: 'abs',
  f: () => Math.abs,
  scalar: () => S.un('abs', S.arg(0)),
  grad: ({ b, node, dy }) => [b.emit('mul', [dy, b.emit('sign', [node.inputs[0]])])],
});
