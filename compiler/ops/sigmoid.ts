import { S } from '../ir/scalar';
import { defineUnary } from './util/define';
import { scalarConstant } from './util/gradient';

// dy/dx = y (1 - y): reuses the forward output.
export const sigmoid = defineUnary({
  name: 'sigmoid',
  f: () => (x) => 1 / (1 + Math.exp(-x)),
  scalar: () => S.bin('div', S.c(1), S.bin('add', S.c(1), S.un('exp', S.un('neg', S.arg(0))))),
  grad: ({ b, node, dy }) => {
    const oneMinusY = b.emit('sub', [scalarConstant(b, 1), node.id]);
    return [b.emit('mul', [dy, b.emit('mul', [node.id, oneMinusY])])];
  },
});
