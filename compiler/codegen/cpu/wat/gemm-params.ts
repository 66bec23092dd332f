// The parameters of a GEMM kernel and the checks and derived strides every form shares.

import { checkEpilogue, plainEpilogue, type Epilogue } from './epilogue';

export interface GemmTuning {
  /** Register tile rows (broadcast form: 1..8; dot form: 1..4). */
  readonly rows?: number;
  /** Register tile columns in floats (broadcast form: a multiple of 4; dot form: 1..4 vectors of K). */
  readonly cols?: number;
  /** Reduction steps unrolled per loop iteration. */
  readonly unroll?: number;
  /** Reduction steps per pass over C (broadcast form without epilogue only). */
  readonly blockK?: number;
  /** Columns of C per cache block (a multiple of cols). */
  readonly blockCols?: number;
  /** Dimension divided among threads. Default: the one with more tiles. */
  readonly split?: 'm' | 'n';
}

export interface GemmParams {
  /** Function and export name (identifier characters only). */
  readonly name: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Byte offset of A; A is [M,K] with row stride lda, or [K,M] when transposeA. */
  readonly aOffset: number;
  readonly lda: number;
  readonly transposeA: boolean;
  /** Byte offset of B; B is [K,N] with row stride ldb, or [N,K] when transposeB. */
  readonly bOffset: number;
  readonly ldb: number;
  readonly transposeB: boolean;
  /** Byte offset of C [M,N] with row stride ldc: the output, or what `accumulate` adds to. */
  readonly cOffset: number;
  readonly ldc: number;
  /** C += A·B instead of C = A·B (the sum passes through the epilogue, if any). */
  readonly accumulate: boolean;
  /** Applied to each finished element; replaces the plain store to C. */
  readonly epilogue?: Epilogue;
  readonly tuning?: GemmTuning;
}

/** Byte strides and offsets of op(A) element (m,k): aOffset + m*rowStride + k*kStride. */
export interface AStrides {
  readonly rowStride: number;
  readonly kStride: number;
}

export function aStrides(p: GemmParams): AStrides {
  return p.transposeA ? { rowStride: 4, kStride: 4 * p.lda } : { rowStride: 4 * p.lda, kStride: 4 };
}

export function checkGemm(p: GemmParams): void {
  const where = `gemm ${p.name}`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) throw new Error(`${where}: name must be an identifier`);
  for (const d of ['m', 'n', 'k'] as const) {
    if (!Number.isInteger(p[d]) || p[d] < 1) throw new Error(`${where}: ${d} must be a positive integer, got ${p[d]}`);
  }
  for (const o of ['aOffset', 'bOffset', 'cOffset'] as const) {
    if (!Number.isInteger(p[o]) || p[o] < 0 || p[o] % 4 !== 0) throw new Error(`${where}: ${o} must be a non-negative multiple of 4, got ${p[o]}`);
  }
  const need = (ld: 'lda' | 'ldb' | 'ldc', min: number): void => {
    if (!Number.isInteger(p[ld]) || p[ld] < min) throw new Error(`${where}: ${ld} = ${p[ld]} is less than the row length ${min}`);
  };
  need('lda', p.transposeA ? p.m : p.k);
  need('ldb', p.transposeB ? p.k : p.n);
  need('ldc', p.epilogue && !p.accumulate ? 1 : p.n);
  if (p.epilogue) checkEpilogue(p.epilogue, where, p.n);
}

export function gemmEpilogue(p: GemmParams): Epilogue {
  return p.epilogue ?? plainEpilogue(p.cOffset, p.ldc);
}

/** Floating-point operations of the product (2·M·N·K), for throughput figures. */
export function gemmFlops(p: Pick<GemmParams, 'm' | 'n' | 'k'>): number {
  return 2 * p.m * p.n * p.k;
}
