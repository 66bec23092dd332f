import { S } from '../ir/scalar';
import { defineBroadcast } from './util/define';
import { scalarConstant, sumToShapeOf } from './util/gradient';

// where(cond, a, b) = cond != 0 ? a : b; the condition is not differentiable.
export const where = defineBroadcast({
  name: 'where',
  arity: 3,
  f: ([cond, a, b]) => (cond !== 0 ? a : b),
  scalar: () => S.select(S.arg(0), S.arg(1), S.arg(2)),
  grad: ({ b, node, dy }) => {
    const [cond, x, y] = node.inputs;
    const zero = scalarConstant(b, 0);
    return [null, sumToShapeOf(b, b.emit('where', [cond, dy, zero]), x), sumToShapeOf(b, b.emit('where', [cond, zero, dy]), y)];
  },
});
