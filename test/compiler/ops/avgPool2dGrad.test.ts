import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { poolCaseArb, tensorArb } from '../../../testing/arbitraries/tensor';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';
import { dot, near, poolOutputShape } from './support/window';

const tensors = poolCaseArb().chain((c) => fc.record({ c: fc.constant(c), x: tensorArb(c.x), dy: tensorArb(poolOutputShape(c)) }));
const cases = tensors.map(({ c, dy }): OpCase => ({
  inputs: [dy], attrs: { inputShape: ['N', ...c.x.slice(1)], poolSize: c.poolSize, strides: c.strides, padding: c.padding }, batched: [true],
}));

describe('ops/avgPool2dGrad', () => {
  itChecksGradients('avgPool2dGrad', cases, 20);
  itInfersTheEvaluatedShape('avgPool2dGrad', tensors.map(({ c, dy }) => ({
    inputs: [dy], attrs: { inputShape: c.x, poolSize: c.poolSize, strides: c.strides, padding: c.padding },
  })), (c) => c.attrs?.inputShape as number[]);

  it('is the adjoint of avgPool2d: <avgPool2d(x), dy> = <x, avgPool2dGrad(dy)>', () => {
    fc.assert(fc.property(tensors, ({ c, x, dy }) => {
      const attrs = { poolSize: c.poolSize, strides: c.strides, padding: c.padding };
      const y = evaluateCase('avgPool2d', { inputs: [x], attrs });
      const dx = evaluateCase('avgPool2dGrad', { inputs: [dy], attrs: { ...attrs, inputShape: c.x } });
      assert.ok(near(dot(y, dy), dot(x, dx)), `${dot(y, dy)} vs ${dot(x, dx)}`);
    }), { numRuns: 40 });
  });

  it('checks dy against the pooled inputShape', () => {
    assertShapeError('avgPool2dGrad', [f32(['N', 3, 3, 1])], { inputShape: ['N', 4, 4, 1], poolSize: 2 },
      /^avgPool2dGrad: dy \[N,3,3,1\] is not avgPool2d's output \[N,2,2,1\] for input \[N,4,4,1\]$/);
  });
});
