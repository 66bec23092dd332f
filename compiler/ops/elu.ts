import { S } from '../ir/scalar';
import { attrNumber } from './util/attrs';
import { defineUnary } from './util/define';
import { scalarConstant } from './util/gradient';

// x > 0 ? x : alpha*(exp(x) - 1). For x <= 0, dy/dx = alpha*exp(x) = y + alpha.
export const elu = defineUnary({
  name: 'elu',
  checkAttrs: (attrs) => { attrNumber('elu', attrs, 'alpha'); },
  f: (attrs) => {
    const alpha = attrNumber('elu', attrs, 'alpha');
    return (x) => (x > 0 ? x : alpha * (Math.exp(x) - 1));
  },
  scalar: (attrs) => S.select(
    S.bin('gt', S.arg(0), S.c(0)),
    S.arg(0),
    S.bin('mul', S.c(attrNumber('elu', attrs, 'alpha')), S.bin('sub', S.un('exp', S.arg(0)), S.c(1))),
  ),
  grad: ({ b, node, dy }) => {
    const alpha = scalarConstant(b, attrNumber('elu', node.attrs, 'alpha'));
    const positive = b.emit('greater', [node.inputs[0], scalarConstant(b, 0)]);
    return [b.emit('where', [positive, dy, b.emit('mul', [dy, b.emit('add', [node.id, alpha])])])];
  },
});
