import { S } from '../ir/scalar';
import { defineUnary } from './util/define';
import { scalarConstant } from './util/gradient';

// dy/dx = 1 - y^2: reuses the forward output.
export const tanh = defineUnary({
  name: 'tanh',
  f: () => Math.tanh,
  scalar: () => S.un('tanh', S.arg(0)),
  grad: ({ b, node, dy }) => {
    const oneMinusY2 = b.emit('sub', [scalarConstant(b, 1), b.emit('square', [node.id])]);
    return [b.emit('mul', [dy, oneMinusY2])];
  },
});
