// What an op is: everything the compiler knows about one op lives in one OpDef,
// in one file of this folder. Generic drivers (shape inference, the interpreter,
// autodiff, fusion, codegen) consult these rules and never switch on op names.

import type { Attrs, Node, TensorType } from '../ir/types';
import type { ScalarExpr } from '../ir/scalar';
import type { Tensor } from '../ir/tensor';

/**
 * Fusion pattern levels, ordered as TVM's: lower kinds fuse into higher ones.
 * `source` nodes (inputs, parameters, constants, RNG masks) produce values and never fuse.
 */
export type OpKind = 'source' | 'elementwise' | 'broadcast' | 'injective' | 'reduce' | 'contraction' | 'window' | 'opaque';

export const KIND_LEVEL: Record<OpKind, number> = {
  source: -1, elementwise: 0, broadcast: 1, injective: 2, reduce: 3, contraction: 4, window: 4, opaque: 5,
};

/** A shape or attribute problem; the message names what is wrong, without location. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Builds IR during lowering and gradient rules. Types are inferred by the ops' shape rules. */
export interface Builder {
  emit(op: string, inputs: readonly number[], attrs?: Attrs): number;
  type(id: number): TensorType;
}

export interface GradContext {
  readonly b: Builder;
  /** The forward node, with its ids as they are in the graph being built. */
  readonly node: Node;
  /** The gradient of the loss with respect to the node's output. */
  readonly dy: number;
}

export interface EvalContext {
  /** The node's concrete output shape (batch bound). */
  readonly outShape: readonly number[];
  /** Concrete batch size. */
  readonly batch: number;
  /** Deterministic RNG for ops that draw (dropout masks): uniform in [0, 1). */
  readonly random: () => number;
}

export interface OpDef {
  readonly name: string;
  readonly kind: OpKind;
  /** Number of inputs, checked by the shape driver. */
  readonly arity: number;
  /** True for ops that draw random numbers: two such nodes are never merged (CSE) or folded. */
  readonly random?: boolean;
  /** The output is the input's row-major bytes under another shape (reshape): no kernel, no copy. */
  readonly aliasesInput?: boolean;
  /** Sums its input down to a broadcast-compatible shape (the adjoint of broadcasting): a loop can accumulate it. */
  readonly sumsToShape?: boolean;
  /**
   * For contraction and window ops: false where the op's CPU kernel cannot apply an epilogue
   * (the elementwise loop over its output, fused in), so passes/fuse leaves that loop a kernel
   * of its own. Default true. (The gpu.js plan fuses with its own emitters' rules.)
   */
  readonly takesEpilogue?: boolean;
  /** Output type from input types and attributes; throws ShapeError. */
  inferType(inputs: readonly TensorType[], attrs: Attrs): TensorType;
  /** The float64 reference: slow, obvious, the oracle of every test. */
  evaluate(inputs: readonly Tensor[], attrs: Attrs, ctx: EvalContext): Tensor;
  /**
   * Reverse-mode rule written as IR: one entry per input, the gradient with respect to it
   * (same shape as that input), or null where the input is not differentiable
   * (an integer label, a comparison). Absent: the op is not differentiable at all.
   */
  grad?(ctx: GradContext): readonly (number | null)[];
  /**
   * For elementwise and broadcast ops: the value of one output element from the
   * corresponding (broadcast) input elements. Codegen inlines it into fused loops.
   */
  scalar?(attrs: Attrs): ScalarExpr;
}
