import { S } from '../ir/scalar';
import { attrNumber } from './util/attrs';
import { defineUnary } from './util/define';
import { scalarConstant } from './util/gradient';

// x > 0 ? x : alpha*x with a fixed alpha; like PReLU, x = 0 takes the alpha branch.
export const leakyRelu = defineUnary({
  name: 'leakyRelu',
  checkAttrs: (attrs) => { attrNumber('leakyRelu', attrs, 'alpha'); },
  f: (attrs) => {
    const alpha = attrNumber('leakyRelu', attrs, 'alpha');
    return (x) => (x > 0 ? x : alpha * x);
  },
  scalar: (attrs) => S.select(S.bin('gt', S.arg(0), S.c(0)), S.arg(0), S.bin('mul', S.c(attrNumber('leakyRelu', attrs, 'alpha')), S.arg(0))),
  grad: ({ b, node, dy }) => {
    const alpha = scalarConstant(b, attrNumber('leakyRelu', node.attrs, 'alpha'));
    const positive = b.emit('greater', [node.inputs[0], scalarConstant(b, 0)]);
    return [b.emit('where', [positive, dy, b.emit('mul', [dy, alpha])])];
  },
});
