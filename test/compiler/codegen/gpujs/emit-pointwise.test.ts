import { strict as assert } from 'assert';
import fc from 'fast-check';
import type { Attrs } from '../../../../compiler/ir/types';
import { allOps } from '../../../../compiler/ops/index';
import type { OpDef } from '../../../../compiler/ops/op';
import { useGpu } from '../../../support/webgl';
import type { OpCase } from './check-kernel';
import { expectGpuMatchesReference } from './check-kernel';
import { broadcastShapes, f32AwayFromZero, f32Values, shapeOf, tensorOf } from './arbitraries';

interface PointwiseSetup {
  readonly attrs?: Attrs;
  /** Values for input i (default [-2, 2]). */
  readonly values?: (input: number) => fc.Arbitrary<number>;
  /** The first input must have the output's full shape (prelu's x). */
  readonly fullFirst?: boolean;
}

// Domains keep each op finite and away from poles, so float32 and float64 stay comparable.
const SETUP: Readonly<Record<string, PointwiseSetup>> = {
  log: { values: () => f32Values(0.05, 4) },
  sqrt: { values: () => f32Values(0, 4) },
  div: { values: (i) => (i === 1 ? f32AwayFromZero(0.25, 2) : f32Values()) },
  leakyRelu: { attrs: { alpha: 0.2 } },
  elu: { attrs: { alpha: 1.5 } },
  prelu: { fullFirst: true },
};

/** A case for a pointwise op: broadcast-compatible input shapes and in-domain values. */
function pointwiseCase(op: OpDef): fc.Arbitrary<OpCase> {
  const setup = SETUP[op.name] ?? {};
  const values = setup.values ?? (() => f32Values());
  if (op.name === 'broadcastTo') {
    return broadcastShapes(1).chain(({ out, inputs: [shape] }) =>
      tensorOf(shape).map((x) => ({ op: op.name, attrs: { shape: out }, inputs: [x] })));
  }
  return broadcastShapes(op.arity).chain(({ out, inputs }) => {
    const shapes = setup.fullFirst ? [out, ...inputs.slice(1)] : inputs;
    return fc.tuple(...shapes.map((s, i) => tensorOf(s, values(i)))).map((ts) => ({ op: op.name, attrs: setup.attrs ?? {}, inputs: ts }));
  });
}

const POINTWISE = allOps().filter((op) => op.scalar !== undefined);

describe('gpu.js pointwise kernels', () => {
  const gpu = useGpu();

  it('covers every op that has a scalar expression', () => {
    assert.ok(POINTWISE.length >= 20, `only ${POINTWISE.length} pointwise ops in the table`);
  });

  for (const op of POINTWISE) {
    it(`${op.name} equals its float64 reference on broadcast shapes`, () => {
      fc.assert(fc.property(pointwiseCase(op), (c) => expectGpuMatchesReference(gpu(), c)), { numRuns: 3 });
    });
  }

  it('transpose equals its reference for random permutations', () => {
    const arb = shapeOf(1, 4).chain((shape) =>
      fc.tuple(tensorOf(shape), fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length })));
    fc.assert(fc.property(arb, ([x, perm]) => expectGpuMatchesReference(gpu(), { op: 'transpose', attrs: { perm }, inputs: [x] })), { numRuns: 6 });
  });

  it('constant fills its shape and shapeCount is a constant of the bound shape', () => {
    expectGpuMatchesReference(gpu(), { op: 'constant', attrs: { value: -0.375, shape: [2, 3] }, inputs: [] });
    fc.assert(fc.property(shapeOf(1, 4).chain((s) => fc.tuple(tensorOf(s), fc.subarray(s.map((_, i) => i)))), ([x, axes]) => {
      expectGpuMatchesReference(gpu(), { op: 'shapeCount', attrs: { axes }, inputs: [x] });
    }), { numRuns: 2 });
  });
});
