import { S } from '../ir/scalar';
import { defineUnary } from './util/define';

export const log = defineUnary({
  name: 'log',
  f: () => Math.log,
  scalar: () => S.un('log', S.arg(0)),
  grad: ({ b, node, dy }) => [b.emit('div', [dy, node.inputs[0]])],
});
