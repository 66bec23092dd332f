// Contraction and window kernels by op: a rule table from an anchor op to its WAT emitter.
// Each rule sees the anchor node, its input/output addresses and the fused epilogue.

import type { Node } from '../../ir/types';
import type { WatFunction } from './wat/module';
import type { Epilogue } from './wat/epilogue';
import { emitGemm } from './wat/gemm';

export interface AnchorContext {
  readonly name: string;
  readonly node: Node;
  /** Concrete input shapes and byte offsets, in input order. */
  readonly inputs: readonly { readonly shape: readonly number[]; readonly offset: number }[];
  readonly outShape: readonly number[];
  readonly epilogue: Epilogue;
  /** Byte offset of this kernel's scratch area (size from `scratchBytes`). */
  readonly scratch: number;
  readonly threads: number;
}

export interface AnchorRule {
  scratchBytes(node: Node, inputs: readonly (readonly number[])[], outShape: readonly number[], threads: number): number;
  emit(ctx: AnchorContext): WatFunction[];
}

const matmul: AnchorRule = {
  scratchBytes: () => 0,
  emit(ctx) {
    const [a, b] = ctx.inputs;
    const transposeA = ctx.node.attrs.transposeA === true;
    const transposeB = ctx.node.attrs.transposeB === true;
    const m = ctx.outShape[0], n = ctx.outShape[1];
    const k = transposeA ? a.shape[0] : a.shape[1];
    return [emitGemm({
      name: ctx.name, m, n, k,
      aOffset: a.offset, lda: a.shape[1], transposeA,
      bOffset: b.offset, ldb: b.shape[1], transposeB,
      cOffset: ctx.epilogue.stores[0].offset, ldc: n, accumulate: false, epilogue: ctx.epilogue,
    })];
  },
};

const RULES = new Map<string, AnchorRule>([['matmul', matmul]]);

/** Later kernel families (convolution, pooling) add their rules here. */
export function registerAnchorRule(op: string, rule: AnchorRule): void {
  RULES.set(op, rule);
}

export function anchorRule(op: string): AnchorRule | undefined {
  return RULES.get(op);
}
