import { S } from '../ir/scalar';
import { defineBroadcast } from './util/define';
import { sumToShapeOf } from './util/gradient';

export const sub = defineBroadcast({
  name: 'sub',
  arity: 2,
  f: ([a, b]) => a - b,
  scalar: () => S.bin('sub', S.arg(0), S.arg(1)),
  grad: ({ b, node, dy }) => [sumToShapeOf(b, dy, node.inputs[0]), sumToShapeOf(b, b.emit('neg', [dy]), node.inputs[1])],
});
