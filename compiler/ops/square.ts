import { S } from '../ir/scalar';
import { defineUnary } from './util/define';
import { scalarConstant } from './util/gradient';

export const square = defineUnary({
  name: 'square',
  f: () => (x) => x * x,
  scalar: () => S.bin('mul', S.arg(0), S.arg(0)),
  grad: ({ b, node, dy }) => [b.emit('mul', [dy, b.emit('mul', [node.inputs[0], scalarConstant(b, 2)])])],
});
