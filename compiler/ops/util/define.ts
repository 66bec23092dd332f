// Builders for the two families of pointwise ops: unary elementwise (shape kept) and
// n-ary broadcast (numpy broadcasting). Each op file states only its arithmetic and rule.

import type { Attrs, TensorType } from '../../ir/types';
import type { ScalarExpr } from '../../ir/scalar';
import type { GradContext, OpDef } from '../op';
import { expectAllF32, expectArity, f32 } from './check';
import { broadcastSymbolic } from './shape';
import { mapBroadcast, mapUnary } from './evaluate';

export interface UnarySpec {
  readonly name: string;
  /** The float64 element function; attrs are read once per evaluation. */
  readonly f: (attrs: Attrs) => (x: number) => number;
  readonly scalar: (attrs: Attrs) => ScalarExpr;
  readonly grad: (ctx: GradContext) => readonly (number | null)[];
  /** Attribute checks (throw ShapeError). */
  readonly checkAttrs?: (attrs: Attrs) => void;
}

export function defineUnary(spec: UnarySpec): OpDef {
  return {
    name: spec.name,
    kind: 'elementwise',
    arity: 1,
    inferType(inputs: readonly TensorType[], attrs: Attrs): TensorType {
      expectArity(spec.name, inputs, 1);
      expectAllF32(spec.name, inputs);
      spec.checkAttrs?.(attrs);
      return f32(inputs[0].shape);
    },
    evaluate: ([x], attrs) => mapUnary(x, spec.f(attrs)),
    scalar: spec.scalar,
    grad: spec.grad,
  };
}

export interface BroadcastSpec {
  readonly name: string;
  readonly arity: number;
  readonly f: (args: readonly number[]) => number;
  readonly scalar: () => ScalarExpr;
  readonly grad: (ctx: GradContext) => readonly (number | null)[];
}

export function defineBroadcast(spec: BroadcastSpec): OpDef {
  return {
    name: spec.name,
    kind: 'broadcast',
    arity: spec.arity,
    inferType(inputs: readonly TensorType[]): TensorType {
      expectArity(spec.name, inputs, spec.arity);
      expectAllF32(spec.name, inputs);
      return f32(broadcastSymbolic(spec.name, inputs.map((t) => t.shape)));
    },
    evaluate: (inputs, _attrs, ctx) => mapBroadcast(inputs, ctx.outShape, spec.f),
    scalar: spec.scalar,
    grad: spec.grad,
  };
}
