import { S } from '../ir/scalar';
import { defineBroadcast } from './util/define';
import { scalarConstant, sumToShapeOf } from './util/gradient';

// Ties go to the first argument (a <= b), as TensorFlow's Minimum gradient.
export const minimum = defineBroadcast({
  name: 'minimum',
  arity: 2,
  f: ([a, b]) => Math.min(a, b),
  scalar: () => S.bin('min', S.arg(0), S.arg(1)),
  grad: ({ b, node, dy }) => {
    const [x, y] = node.inputs;
    const yWins = b.emit('greater', [x, y]);
    const zero = scalarConstant(b, 0);
    return [sumToShapeOf(b, b.emit('where', [yWins, zero, dy]), x), sumToShapeOf(b, b.emit('where', [yWins, dy, zero]), y)];
  },
});
