// Turns a fused kernel's elementwise members into scalar expressions over the kernel's
// operands: the loop body (lets, stores, reductions) or a contraction's epilogue.
// Every op contributes only its `scalar` rule; nothing here knows op names.

import { getOp } from '../../ops/index';
import { S, substitute, type ScalarExpr } from '../../ir/scalar';
import type { Graph, Node } from '../../ir/types';
import type { FusedKernel } from '../../passes/fuse';

export interface ComposedKernel {
  /** External values read per element, in argument order (scalar constants are inlined instead). */
  readonly operands: readonly number[];
  /** One expression per elementwise member, in member order (argument `base + j` refers to lets[j]). */
  readonly lets: readonly ScalarExpr[];
  /** Which member each let computes. */
  readonly letOf: readonly number[];
  /** sumTo members: value id and the let/operand argument they sum. */
  readonly reductions: readonly { readonly id: number; readonly arg: number }[];
}

function isScalarConstant(n: Node): boolean {
  return n.op === 'constant' && n.type.shape.length === 0;
}

/**
 * `first` is the argument index of the first operand (1 for an epilogue, whose argument 0
 * is the accumulator), `anchor` the member whose value is argument 0 (or null).
 */
export function composeKernel(graph: Graph, kernel: FusedKernel, first: number): ComposedKernel {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const members = new Set(kernel.nodes);
  // Only what the elementwise members read: an anchor's own inputs are the emitter's business.
  const readByMembers = new Set(kernel.nodes.filter((id) => id !== kernel.anchor).flatMap((id) => (byId.get(id) as Node).inputs));
  const operands = kernel.inputs.filter((id) => readByMembers.has(id) && !isScalarConstant(byId.get(id) as Node));
  const exprOf = new Map<number, ScalarExpr>();
  operands.forEach((id, k) => exprOf.set(id, S.arg(first + k)));
  for (const id of kernel.inputs) {
    const n = byId.get(id) as Node;
    if (isScalarConstant(n)) exprOf.set(id, S.c(Number(n.attrs.value)));
  }
  if (kernel.anchor !== null) exprOf.set(kernel.anchor, S.arg(0));
  const base = first + operands.length;
  const lets: ScalarExpr[] = [];
  const letOf: number[] = [];
  const reductions: { id: number; arg: number }[] = [];
  for (const id of kernel.nodes) {
    if (id === kernel.anchor) continue;
    const n = byId.get(id) as Node;
    const def = getOp(n.op);
    if (def.scalar) {
      const args = n.inputs.map((i) => exprOf.get(i) as ScalarExpr);
      lets.push(substitute(def.scalar(n.attrs), args));
      letOf.push(id);
      exprOf.set(id, S.arg(base + lets.length - 1));
    } else if (def.sumsToShape && members.has(id)) {
      const arg = exprOf.get(n.inputs[0]) as ScalarExpr;
      reductions.push({ id, arg: arg.kind === 'arg' ? arg.index : -1 });
    } else {
      throw new Error(`%${id} = ${n.op} has no scalar rule and cannot run inside a fused loop`);
    }
  }
  return { operands, lets, letOf, reductions };
}

/** Inlines lets into one expression per let (for emitters without let support, e.g. GEMM epilogues). */
export function inlineLets(c: ComposedKernel, first: number): ScalarExpr[] {
  const base = first + c.operands.length;
  const inlined: ScalarExpr[] = [];
  const identity = (i: number): ScalarExpr => (i >= base ? inlined[i - base] : S.arg(i));
  for (const e of c.lets) {
    const maxArg = base + inlined.length;
    inlined.push(substitute(e, Array.from({ length: maxArg }, (_, i) => identity(i))));
  }
  return inlined;
}
