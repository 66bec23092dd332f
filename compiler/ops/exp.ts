import { S } from '../ir/scalar';
import { defineUnary } from './util/define';

// d exp(x) = exp(x) dx: reuses the forward output.
export const exp = defineUnary({
  name: 'exp',
  f: () => Math.exp,
  scalar: () => S.un('exp', S.arg(0)),
  grad: ({ b, node, dy }) => [b.emit('mul', [dy, node.id])],
});
