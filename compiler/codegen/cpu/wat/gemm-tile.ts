// The register tile of the f32x4 micro-kernel: `rows` x `cols` accumulators held in
// v128 locals (cols rounded up to whole vectors), updated one reduction step at a time
// by broadcasting one A value per row against the row of B vectors.
// All addresses are a pointer local plus compile-time immediate offsets, so the
// unrolled steps are plain `load offset=...` instructions.

import { FuncBuilder, gatherFloats, get, loadFloats, set } from './gemm-wat';

export class RegisterTile {
  readonly vecs: number;

  constructor(b: FuncBuilder, readonly rows: number, readonly cols: number) {
    if (rows < 1 || cols < 1) throw new Error(`register tile ${rows}x${cols} is empty`);
    this.vecs = Math.ceil(cols / 4);
    for (let i = 0; i < rows; i++) for (let j = 0; j < this.vecs; j++) b.local(this.acc(i, j), 'v128');
    for (let j = 0; j < this.vecs; j++) b.local(this.bv(j), 'v128');
    b.local(this.av(), 'v128');
  }

  /** Accumulator local of row i, vector j (columns 4j..4j+3). */
  acc(i: number, j: number): string { return `c${i}_${j}`; }
  private bv(j: number): string { return `b${j}`; }
  private av(): string { return 'a'; }

  /** Lanes in vector j (the last one may be partial). */
  lanes(j: number): number { return Math.min(4, this.cols - 4 * j); }

  zero(): string[] {
    const lines: string[] = [];
    for (let i = 0; i < this.rows; i++) for (let j = 0; j < this.vecs; j++) lines.push(set(this.acc(i, j), '(v128.const i64x2 0 0)'));
    return lines;
  }

  /** Loads the accumulators from memory: row i at rowPtr(i) (a WAT i32), vector j at +16j. */
  load(rowPtr: (i: number) => string): string[] {
    const lines: string[] = [];
    for (let i = 0; i < this.rows; i++) {
      for (let j = 0; j < this.vecs; j++) lines.push(set(this.acc(i, j), loadFloats(rowPtr(i), 16 * j, this.lanes(j))));
    }
    return lines;
  }

  /**
   * One reduction step: acc[i][:] += A(i) * B[:], with A(i) the float at aPtr + aOffset(i)
   * and B's column c at bPtr + bOffset + c*bColStride (4: contiguous vectors, else gathered).
   */
  step(aPtr: string, aOffset: (i: number) => number, bPtr: string, bOffset: number, bColStride = 4): string[] {
    const lines: string[] = [];
    for (let j = 0; j < this.vecs; j++) {
      const v = bColStride === 4 ? loadFloats(get(bPtr), bOffset + 16 * j, this.lanes(j))
        : gatherFloats(get(bPtr), bOffset + 4 * j * bColStride, bColStride, this.lanes(j));
      lines.push(set(this.bv(j), v));
    }
    for (let i = 0; i < this.rows; i++) {
      const off = aOffset(i);
      lines.push(set(this.av(), `(v128.load32_splat${off ? ` offset=${off}` : ''} ${get(aPtr)})`));
      for (let j = 0; j < this.vecs; j++) {
        const c = this.acc(i, j);
        lines.push(set(c, `(f32x4.add ${get(c)} (f32x4.mul ${get(this.av())} ${get(this.bv(j))}))`));
      }
    }
    return lines;
  }
}
