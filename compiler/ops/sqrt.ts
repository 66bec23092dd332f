import { S } from '../ir/scalar';
import { defineUnary } from './util/define';
import { scalarConstant } from './util/gradient';

// d sqrt(x) = dx / (2 sqrt(x)): reuses the forward output.
export const sqrt = defineUnary({
  name: 'sqrt',
  f: () => Math.sqrt,
  scalar: () => S.un('sqrt', S.arg(0)),
  grad: ({ b, node, dy }) => [b.emit('div', [dy, b.emit('mul', [node.id, scalarConstant(b, 2)])])],
});
