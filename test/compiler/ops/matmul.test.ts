import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { tensor } from '../../../compiler/ir/tensor';
import { tensorArb } from '../../../testing/arbitraries/tensor';
import type { OpCase } from './support/properties';
import { assertShapeError, evaluateCase, f32, inferShape, itChecksGradients, itInfersTheEvaluatedShape } from './support/properties';

const dim = fc.integer({ min: 1, max: 4 });
const cases: fc.Arbitrary<OpCase> = fc.tuple(dim, dim, dim, fc.boolean(), fc.boolean(), fc.boolean())
  .chain(([m, k, n, ta, tb, batched]) => fc.tuple(tensorArb(ta ? [k, m] : [m, k]), tensorArb(tb ? [n, k] : [k, n]))
    .map(([a, b]) => ({ inputs: [a, b], attrs: { transposeA: ta, transposeB: tb }, batched: [batched && !ta, false] })));

describe('ops/matmul', () => {
  itChecksGradients('matmul', cases, 30);
  itInfersTheEvaluatedShape('matmul', cases, (c) => {
    const [a, b] = c.inputs;
    return [c.attrs?.transposeA ? a.shape[1] : a.shape[0], c.attrs?.transposeB ? b.shape[0] : b.shape[1]];
  });

  it('multiplies, with the transposes applied', () => {
    const a = tensor([2, 2], [1, 2, 3, 4]);
    const b = tensor([2, 2], [5, 6, 7, 8]);
    assert.deepEqual([...evaluateCase('matmul', { inputs: [a, b] }).data], [19, 22, 43, 50]);
    assert.deepEqual([...evaluateCase('matmul', { inputs: [a, b], attrs: { transposeA: true } }).data], [26, 30, 38, 44]);
    assert.deepEqual([...evaluateCase('matmul', { inputs: [a, b], attrs: { transposeB: true } }).data], [17, 23, 39, 53]);
  });

  it('contracts a symbolic N only with N (the weight gradient x^T dy)', () => {
    assert.deepEqual(inferShape('matmul', [f32(['N', 3]), f32(['N', 5])], { transposeA: true }), [3, 5]);
    assertShapeError('matmul', [f32(['N', 3]), f32([4, 5])], { transposeA: true }, /^matmul: inner dims differ: a \[N,3\]\^T and b \[4,5\]$/);
    assertShapeError('matmul', [f32([2, 3, 4]), f32([4, 5])], {}, /^matmul: a must have rank 2, got \[2,3,4\]$/);
  });
});
