import { S } from '../ir/scalar';
import { defineBroadcast } from './util/define';

// A comparison: piecewise constant, so neither input gets a gradient.
export const greater = defineBroadcast({
  name: 'greater',
  arity: 2,
  f: ([a, b]) => (a > b ? 1 : 0),
  scalar: () => S.bin('gt', S.arg(0), S.arg(1)),
  grad: () => [null, null],
});
