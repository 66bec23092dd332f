// The gradient of maxPool2d: dx (x's shape) gets each dy at its window's first maximum;
// overlapping windows add up. No rule of its own: the argmax is piecewise constant in x,
// and the map from dy is a gather the op table has no op for.

import { tensor } from '../ir/tensor';
import { formatShape, sameShape } from '../ir/types';
import type { OpDef } from './op';
import { expectAllF32, expectArity, f32, fail } from './util/check';
import { firstMaxIndex, forEachPoolWindow, poolOutputShape } from './util/pool';

export const maxPool2dGrad: OpDef = {
  name: 'maxPool2dGrad',
  kind: 'window',
  arity: 2,
  inferType(inputs, attrs) {
    expectArity('maxPool2dGrad', inputs, 2);
    expectAllF32('maxPool2dGrad', inputs);
    const [x, dy] = inputs;
    const expected = poolOutputShape('maxPool2dGrad', x, attrs);
    if (!sameShape(expected, dy.shape)) fail('maxPool2dGrad', `dy ${formatShape(dy.shape)} is not maxPool2d's output ${formatShape(expected)}`);
    return f32(x.shape);
  },
  evaluate([x, dy], attrs) {
    const dx = tensor(x.shape);
    forEachPoolWindow('maxPool2dGrad', x.shape, attrs, (xBase, yIndex, taps, channels, g) => {
      dx.data[firstMaxIndex(x.data, xBase, taps, channels, g)] += dy.data[yIndex];
    });
    return dx;
  },
};
