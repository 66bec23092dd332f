import { S } from '../ir/scalar';
import { defineBroadcast } from './util/define';
import { sumToShapeOf } from './util/gradient';

export const mul = defineBroadcast({
  name: 'mul',
  arity: 2,
  f: ([a, b]) => a * b,
  scalar: () => S.bin('mul', S.arg(0), S.arg(1)),
  grad: ({ b, node, dy }) => {
    const [x, y] = node.inputs;
    return [sumToShapeOf(b, b.emit('mul', [dy, y]), x), sumToShapeOf(b, b.emit('mul', [dy, x]), y)];
  },
});
