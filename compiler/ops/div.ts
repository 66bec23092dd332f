import { S } from '../ir/scalar';
import { defineBroadcast } from './util/define';
import { sumToShapeOf } from './util/gradient';

// d(a/b)/da = 1/b; d(a/b)/db = -(a/b)/b, which reuses the forward output.
export const div = defineBroadcast({
  name: 'div',
  arity: 2,
  f: ([a, b]) => a / b,
  scalar: () => S.bin('div', S.arg(0), S.arg(1)),
  grad: ({ b, node, dy }) => {
    const [x, y] = node.inputs;
    const dx = b.emit('div', [dy, y]);
    const dyOverB = b.emit('neg', [b.emit('div', [b.emit('mul', [dy, node.id]), y])]);
    return [sumToShapeOf(b, dx, x), sumToShapeOf(b, dyOverB, y)];
  },
});
