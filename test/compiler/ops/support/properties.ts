// Property helpers shared by the op tests: the gradient rule against central differences,
// the shape rule against the reference's output, the scalar form against the reference.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { grad } from '../../../../compiler/autodiff/grad';
import { GraphBuilder } from '../../../../compiler/ir/builder';
import { interpret } from '../../../../compiler/ir/interpret';
import { evalScalar } from '../../../../compiler/ir/scalar';
import type { Tensor } from '../../../../compiler/ir/tensor';
import { broadcastIndex, tensor } from '../../../../compiler/ir/tensor';
import type { Attrs, DType, Shape, TensorType } from '../../../../compiler/ir/types';
import { getOp } from '../../../../compiler/ops/index';
import { ShapeError } from '../../../../compiler/ops/op';
import { checkOpGradient, formatGradCheckReport, singleOpGraph } from '../../../../testing/gradcheck';

export interface OpCase {
  readonly inputs: readonly Tensor[];
  readonly attrs?: Attrs;
  readonly dtypes?: readonly DType[];
  /** Inputs whose first axis is declared as the symbolic batch N. */
  readonly batched?: readonly boolean[];
  /** Inputs not differentiated (conditions). */
  readonly constant?: readonly number[];
}

export const f32 = (shape: Shape): TensorType => ({ shape, dtype: 'f32' });

/** The analytic gradient of the op's rule equals central differences of the reference. */
export function itChecksGradients(op: string, cases: fc.Arbitrary<OpCase>, numRuns = 20): void {
  it(`${op}: gradient rule equals central differences (float64)`, () => {
    fc.assert(fc.property(cases, (c) => {
      const report = checkOpGradient(op, c.inputs, c.attrs ?? {}, { dtypes: c.dtypes, batched: c.batched, constant: c.constant });
      assert.ok(report.entries.length > 0, 'nothing was checked');
      assert.ok(report.passed, formatGradCheckReport(report));
    }), { numRuns });
  });
}

/** Runs the op through the interpreter: it fails if the evaluated shape differs from the rule's. */
export function evaluateCase(op: string, c: OpCase): Tensor {
  const { graph, feeds } = singleOpGraph(op, c.inputs, c.attrs ?? {}, { dtypes: c.dtypes, batched: c.batched });
  return interpret(graph, feeds).outputs.y;
}

/** inferType's shape (N bound) is the shape evaluate produces, and the values are finite. */
export function itInfersTheEvaluatedShape<C extends OpCase>(op: string, cases: fc.Arbitrary<C>, expectedShape?: (c: C) => readonly number[], numRuns = 30): void {
  it(`${op}: the shape rule agrees with the evaluated shape`, () => {
    fc.assert(fc.property(cases, (c) => {
      const y = evaluateCase(op, c);
      if (expectedShape) assert.deepEqual([...y.shape], [...expectedShape(c)]);
      assert.ok(y.data.every(Number.isFinite), `non-finite output ${[...y.data]}`);
    }), { numRuns });
  });
}

/** For elementwise/broadcast ops: the scalar expression on broadcast inputs equals evaluate. */
export function itMatchesScalar(op: string, cases: fc.Arbitrary<OpCase>, numRuns = 40): void {
  it(`${op}: the scalar form agrees with evaluate`, () => {
    const def = getOp(op);
    const scalar = def.scalar?.bind(def);
    if (!scalar) throw new Error(`${op} has no scalar form`);
    fc.assert(fc.property(cases, (c) => {
      const y = evaluateCase(op, c);
      const expr = scalar(c.attrs ?? {});
      const indices = c.inputs.map((t) => broadcastIndex(t.shape, y.shape));
      y.data.forEach((v, i) => {
        const s = evalScalar(expr, c.inputs.map((t, k) => t.data[indices[k][i]]));
        assert.ok(Object.is(s, v) || s === v, `element ${i}: scalar ${s}, evaluate ${v}`);
      });
    }), { numRuns });
  });
}

/** inferType throws a ShapeError whose message matches. */
export function assertShapeError(op: string, inputs: readonly TensorType[], attrs: Attrs, message: RegExp): void {
  assert.throws(() => getOp(op).inferType(inputs, attrs), (e: unknown) => {
    assert.ok(e instanceof ShapeError, `expected a ShapeError, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}

export function inferShape(op: string, inputs: readonly TensorType[], attrs: Attrs = {}): Shape {
  return getOp(op).inferType(inputs, attrs).shape;
}

/**
 * The gradients the op's rule gives for the objective sum(y * weights) (weights default to
 * ones), one tensor per input in order; exact tests of conventions (ties, x = 0) use it.
 */
export function ruleGradients(op: string, c: OpCase, weights?: Tensor): Tensor[] {
  const { graph, feeds, wrt } = singleOpGraph(op, c.inputs, c.attrs ?? {}, { dtypes: c.dtypes, batched: c.batched, constant: c.constant });
  const b = GraphBuilder.from(graph);
  const y = graph.outputs.y;
  const w = weights ?? tensor(evaluateCase(op, c).shape, undefined);
  if (!weights) w.data.fill(1);
  const objective = b.emit('reduceSum', [b.emit('mul', [y, b.input('weights', b.type(y))])]);
  const ids = wrt.map((name) => graph.nodes.find((n) => n.attrs.name === name)?.id as number);
  const g = grad(b.build(), objective, ids);
  const out = interpret(g, { ...feeds, weights: w }).outputs;
  return ids.map((id) => out[`grad:%${id}`]);
}
