// emitGemm: C[M,N] (= or +=) op(A)[M,K] · op(B)[K,N] as one WAT kernel specialised to its
// shapes and addresses. Row-major f32 operands with leading dimensions (in floats).
// op(B) = B (B stored [K,N]) is the broadcast form: A(i,k) splatted against vectors of
// B's row k. A may be stored either way: transposing A only swaps its two byte strides.
// op(B) = B^T (B stored [N,K]) has no contiguous vectors along N and is the dot form
// (gemm-dot.ts): vectors along K, reduced across lanes once per output.

import { checkGemm, type GemmParams } from './gemm-params';
import { emitGemmBroadcast } from './gemm-broadcast';
import { emitGemmDot } from './gemm-dot';
import type { WatFunction } from './module';

export type { AStrides, GemmParams, GemmTuning } from './gemm-params';
export { gemmFlops } from './gemm-params';

export function emitGemm(p: GemmParams): WatFunction {
  checkGemm(p);
  const text = p.transposeB && !p.transposeA ? emitGemmDot(p) : emitGemmBroadcast(p);
  return { name: p.name, text };
}
