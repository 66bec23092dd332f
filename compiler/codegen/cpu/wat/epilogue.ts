// The epilogue of a contraction: what happens to each finished accumulator before it
// is stored (bias add, PReLU, ...), so a fused kernel writes its outputs in one pass.
// Addresses are split in a per-row part (computed once per tile row, it may need a
// modulo) and a per-column part (the tile's first column plus constant lane offsets).

import { S, type ScalarExpr } from '../../../ir/scalar';
import { renderScalarF32x4 } from './scalar';
import { FuncBuilder, gatherFloats, get, i32, loadFloats, set, storeFloats } from './gemm-wat';

/**
 * An extra input of the epilogue. Element (m, n) lives at
 * `offset + 4 * ((rowPeriod ? m % rowPeriod : m) * rowStride + n * colStride)` bytes.
 * Bias of a [M,N] output: rowStride 0, colStride 1. PReLU alpha [H,W,C] on conv rows
 * m = b*H*W + p: rowPeriod H*W, rowStride C, colStride 1.
 */
export interface Operand {
  readonly offset: number;
  readonly rowPeriod: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** One output of the epilogue: element (m, n) = expr(acc, operands...) stored at offset + 4*(m*ld + n). */
export interface EpilogueStore {
  readonly expr: ScalarExpr;
  readonly offset: number;
  readonly ld: number;
}

/** In each store's `expr`, argument 0 is the accumulated value and 1..k are the operands. */
export interface Epilogue {
  readonly operands: readonly Operand[];
  readonly stores: readonly EpilogueStore[];
}

/** The epilogue of a plain `C = A·B`: store the accumulator. */
export function plainEpilogue(offset: number, ld: number): Epilogue {
  return { operands: [], stores: [{ expr: S.arg(0), offset, ld }] };
}

/** Throws one line naming `where` when an operand or store of `ep` is malformed for `cols` columns. */
export function checkEpilogue(ep: Epilogue, where: string, cols: number): void {
  if (ep.stores.length === 0) throw new Error(`${where}: epilogue has no stores`);
  for (const o of ep.operands) {
    for (const [k, v] of Object.entries(o)) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`${where}: epilogue operand ${k} must be a non-negative integer, got ${v}`);
    }
    if (o.offset % 4 !== 0) throw new Error(`${where}: epilogue operand offset ${o.offset} is not a multiple of 4`);
  }
  for (const s of ep.stores) {
    if (!Number.isInteger(s.offset) || s.offset < 0 || s.offset % 4 !== 0) throw new Error(`${where}: epilogue store offset must be a non-negative multiple of 4, got ${s.offset}`);
    if (!Number.isInteger(s.ld) || s.ld < cols) throw new Error(`${where}: epilogue store ld = ${s.ld} is less than the row length ${cols}`);
  }
}

/**
 * Writes finished tile vectors through an epilogue. `rowSetup(i, m)` computes tile row i's
 * address bases once; `store(i, n0, j, lanes, acc)` then stores vector j (columns
 * n0+4j .. n0+4j+lanes-1) of that row, where n0 is a WAT i32 expression.
 */
export class EpilogueWriter {
  private readonly opVec: string[];
  private readonly tmp: string;

  constructor(private readonly b: FuncBuilder, private readonly ep: Epilogue, private readonly tag: string) {
    this.opVec = ep.operands.map((_, o) => b.local(`${tag}_v${o}`, 'v128'));
    this.tmp = b.local(`${tag}_t`, 'v128');
  }

  private opRow(o: number, i: number): string { return `${this.tag}_o${o}_r${i}`; }
  private storeRow(s: number, i: number): string { return `${this.tag}_s${s}_r${i}`; }

  /** Lines that compute row i's bases from `m`, a WAT i32 expression for the output row. */
  rowSetup(i: number, m: string): string[] {
    const lines: string[] = [];
    this.ep.operands.forEach((o, k) => {
      const row = o.rowPeriod ? `(i32.rem_u ${m} ${i32(o.rowPeriod)})` : m;
      const base = o.rowStride === 0 ? i32(o.offset) : `(i32.add ${i32(o.offset)} (i32.mul ${row} ${i32(4 * o.rowStride)}))`;
      lines.push(set(this.b.local(this.opRow(k, i), 'i32'), base));
    });
    this.ep.stores.forEach((s, k) => {
      lines.push(set(this.b.local(this.storeRow(k, i), 'i32'), `(i32.add ${i32(s.offset)} (i32.mul ${m} ${i32(4 * s.ld)}))`));
    });
    return lines;
  }

  /** Lines that store `acc` (v128 WAT expression, evaluated once) for row i, vector j. */
  store(i: number, n0: string, j: number, lanes: number, acc: string): string[] {
    const lines = [set(this.tmp, acc)];
    this.ep.operands.forEach((o, k) => {
      const ptr = o.colStride === 0 ? get(this.opRow(k, i)) : `(i32.add ${get(this.opRow(k, i))} (i32.mul ${n0} ${i32(4 * o.colStride)}))`;
      const off = 16 * j * o.colStride;
      const v = o.colStride === 0 ? `(v128.load32_splat ${ptr})`
        : o.colStride === 1 ? loadFloats(ptr, off, lanes)
          : gatherFloats(ptr, off, 4 * o.colStride, lanes);
      lines.push(set(this.opVec[k], v));
    });
    const args = [get(this.tmp), ...this.opVec.map(get)];
    const needsTemp = lanes === 3 ? this.b.local(`${this.tag}_w`, 'v128') : undefined;
    this.ep.stores.forEach((s, k) => {
      const ptr = `(i32.add ${get(this.storeRow(k, i))} (i32.shl ${n0} (i32.const 2)))`;
      lines.push(...storeFloats(ptr, 16 * j, lanes, renderScalarF32x4(s.expr, args), needsTemp));
    });
    return lines;
  }
}
