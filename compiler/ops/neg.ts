import { S } from '../ir/scalar';
import { defineUnary } from './util/define';

export const neg = defineUnary({
  name: 'neg',
  f: () => (x) => -x,
  scalar: () => S.un('neg', S.arg(0)),
  grad: ({ b, dy }) => [b.emit('neg', [dy])],
});
