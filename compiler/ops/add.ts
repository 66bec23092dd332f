import { S } from '../ir/scalar';
import { defineBroadcast } from './util/define';
import { sumToShapeOf } from './util/gradient';

export const add = defineBroadcast({
  name: 'add',
  arity: 2,
  f: ([a, b]) => a + b,
  scalar: () => S.bin('add', S.arg(0), S.arg(1)),
  grad: ({ b, node, dy }) => [sumToShapeOf(b, dy, node.inputs[0]), sumToShapeOf(b, dy, node.inputs[1])],
});
