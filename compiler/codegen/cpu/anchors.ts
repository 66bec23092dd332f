// Contraction and window kernels by op: a rule table from an anchor op to its WAT emitter.
// Each rule sees the anchor node, its input/output addresses and the fused epilogue.

import type { Node } from '../../ir/types';
import type { WatFunction } from './wat/module';
import type { Epilogue } from './wat/epilogue';
import { emitGemm } from './wat/gemm';
import { emitRowLoop } from './wat/loop';
import { iterSpace } from '../../passes/layout';

export interface AnchorContext {
  readonly name: string;
  readonly node: Node;
  /** Concrete input shapes and byte offsets, in input order. */
  readonly inputs: readonly { readonly shape: readonly number[]; readonly offset: number }[];
  readonly outShape: readonly number[];
  readonly epilogue: Epilogue;
  /** Byte offset of this kernel's scratch area (size from `scratchBytes`). */
  readonly scratch: number;
}

export interface AnchorRule {
  scratchBytes(node: Node, inputs: readonly (readonly number[])[], outShape: readonly number[]): number;
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

export function isPlain(e: Epilogue): boolean {
  return e.stores.length === 1 && e.operands.length === 0 && e.stores[0].expr.kind === 'arg' && e.stores[0].expr.index === 0;
}

/** Bytes to stage an anchor's output for an epilogue that runs after it. */
export function stagingBytes(out: readonly number[]): number {
  return 4 * out.reduce((a, b) => a * b, 1);
}

/**
 * For emitters that store plainly: the anchor writes to `out`; a non-plain epilogue then
 * maps the staged values (at `stagingOffset`) to the kernel's outputs as a row loop.
 */
export function withEpilogue(ctx: AnchorContext, emit: (out: number) => WatFunction[], stagingOffset = ctx.scratch): WatFunction[] {
  if (isPlain(ctx.epilogue)) return emit(ctx.epilogue.stores[0].offset);
  const { rows, cols } = iterSpace(ctx.outShape);
  const epilogue = emitRowLoop({
    name: `${ctx.name}_epilogue`, rows, cols,
    operands: [{ offset: stagingOffset, rowStride: cols, colStride: 1 }, ...ctx.epilogue.operands],
    stores: ctx.epilogue.stores.map((s) => ({ expr: s.expr, offset: s.offset, rowStride: s.ld })),
  });
  return [...emit(stagingOffset), epilogue];
}


const RULES = new Map<string, AnchorRule>([['matmul', matmul]]);

/** Later kernel families (convolution, pooling) add their rules here. */
export function registerAnchorRule(op: string, rule: AnchorRule): void {
  RULES.set(op, rule);
}

export function anchorRule(op: string): AnchorRule | undefined {
  return RULES.get(op);
}
