import { S } from '../ir/scalar';
import { defineUnary } from './util/define';

// -1, 0 or 1. Piecewise constant: no gradient flows through it.
export const sign = defineUnary({
  name: 'sign',
  f: () => Math.sign,
  scalar: () => S.un('sign', S.arg(0)),
  grad: () => [null],
});
