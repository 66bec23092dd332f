import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { S, evalScalar, type ScalarExpr } from '../../../../../compiler/ir/scalar';
import { emitGemm, type GemmParams, type GemmTuning } from '../../../../../compiler/codegen/cpu/wat/gemm';
import type { Epilogue, Operand } from '../../../../../compiler/codegen/cpu/wat/epilogue';
import { withMathHelpers } from '../../../../../compiler/codegen/cpu/wat/math';
import { assertClose, assertUntouched, instantiate, Layout, read, values, write } from './wat-harness';

interface Case {
  m: number; n: number; k: number;
  ta: boolean; tb: boolean;
  pad: [number, number, number];
  accumulate: boolean;
  tuning: GemmTuning;
  threads: number;
  seed: number;
}

/** op(A)·op(B) in float64, plus C when accumulating. */
function reference(c: Case, a: Float32Array, b: Float32Array, c0: Float32Array, lda: number, ldb: number, ldc: number): Float64Array {
  const out = new Float64Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = c.accumulate ? c0[i * ldc + j] : 0;
      for (let r = 0; r < c.k; r++) s += (c.ta ? a[r * lda + i] : a[i * lda + r]) * (c.tb ? b[j * ldb + r] : b[r * ldb + j]);
      out[i * c.n + j] = s;
    }
  }
  return out;
}

function rowsOf(data: Float32Array, rows: number, cols: number, ld: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) out.set(data.subarray(i * ld, i * ld + cols), i * cols);
  return out;
}

async function runCase(c: Case): Promise<void> {
  const lda = (c.ta ? c.m : c.k) + c.pad[0];
  const ldb = (c.tb ? c.k : c.n) + c.pad[1];
  const ldc = c.n + c.pad[2];
  const L = new Layout();
  const A = L.alloc((c.ta ? c.k : c.m) * lda);
  const B = L.alloc((c.tb ? c.n : c.k) * ldb);
  const C = L.alloc(c.m * ldc);
  const p: GemmParams = {
    name: 'gemm', m: c.m, n: c.n, k: c.k, aOffset: A.offset, lda, transposeA: c.ta, bOffset: B.offset, ldb, transposeB: c.tb,
    cOffset: C.offset, ldc, accumulate: c.accumulate, tuning: c.tuning,
  };
  const inst = await instantiate([emitGemm(p)], L.bytes);
  const a = values(A.floats, c.seed), b = values(B.floats, c.seed + 1), c0 = values(C.floats, c.seed + 2);
  write(inst.f32, A, a); write(inst.f32, B, b); write(inst.f32, C, c0);
  const before = inst.f32.slice();
  inst.runSplit('gemm', c.threads);
  const expected = reference(c, a, b, c0, lda, ldb, ldc);
  assertClose(rowsOf(read(inst.f32, C), c.m, c.n, ldc), expected, `C of ${JSON.stringify(c)}`);
  // Only C's rows (its first n columns) may change.
  assertUntouched(inst.f32, before, Array.from({ length: c.m }, (_, i) => [C.offset + 4 * i * ldc, C.offset + 4 * (i * ldc + c.n)] as [number, number]));
}

const tuningArb: fc.Arbitrary<GemmTuning> = fc.record({
  rows: fc.integer({ min: 1, max: 6 }),
  cols: fc.constantFrom(4, 8, 12),
  unroll: fc.integer({ min: 1, max: 4 }),
  split: fc.constantFrom<('m' | 'n')[]>('m', 'n'),
}, { requiredKeys: [] });

const dotTuningArb: fc.Arbitrary<GemmTuning> = fc.record({
  rows: fc.integer({ min: 1, max: 4 }),
  cols: fc.integer({ min: 1, max: 4 }),
  unroll: fc.integer({ min: 1, max: 3 }),
  split: fc.constantFrom<('m' | 'n')[]>('m', 'n'),
}, { requiredKeys: [] });

function caseArb(ta: boolean, tb: boolean): fc.Arbitrary<Case> {
  return fc.record({
    m: fc.integer({ min: 1, max: 19 }),
    n: fc.integer({ min: 1, max: 19 }),
    k: fc.integer({ min: 1, max: 19 }),
    ta: fc.constant(ta),
    tb: fc.constant(tb),
    pad: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
    accumulate: fc.boolean(),
    tuning: tb && !ta ? dotTuningArb : tuningArb,
    threads: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
  });
}

describe('emitGemm', () => {
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`computes ${ta ? 'A^T' : 'A'}·${tb ? 'B^T' : 'B'} for any shape, padding, tiling and thread count`, async () => {
      await fc.assert(fc.asyncProperty(caseArb(ta, tb), runCase), { numRuns: 25 });
    });
  }

  it('handles the remainder shapes of the seed model (N=10, K=9) on 2 threads', async () => {
    await runCase({ m: 250, n: 10, k: 256, ta: false, tb: false, pad: [0, 0, 0], accumulate: false, tuning: {}, threads: 2, seed: 7 });
    await runCase({ m: 37, n: 32, k: 9, ta: false, tb: false, pad: [0, 0, 0], accumulate: false, tuning: {}, threads: 2, seed: 8 });
    await runCase({ m: 9, n: 32, k: 60, ta: true, tb: false, pad: [0, 0, 0], accumulate: true, tuning: {}, threads: 2, seed: 9 });
    await runCase({ m: 30, n: 45, k: 10, ta: false, tb: true, pad: [0, 0, 0], accumulate: false, tuning: {}, threads: 2, seed: 10 });
  });

  it('blocks the reduction (partial sums in C) without changing the result', async () => {
    const arb = fc.record({
      m: fc.integer({ min: 1, max: 13 }), n: fc.integer({ min: 1, max: 13 }), k: fc.integer({ min: 2, max: 40 }),
      ta: fc.boolean(), pad: fc.constant<[number, number, number]>([1, 0, 2]), accumulate: fc.boolean(),
      unroll: fc.integer({ min: 1, max: 3 }), blocks: fc.integer({ min: 1, max: 5 }),
      threads: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 1, max: 1 << 30 }),
    }).map(({ unroll, blocks, ...c }): Case => ({ ...c, tb: false, tuning: { unroll, blockK: unroll * blocks } }));
    await fc.assert(fc.asyncProperty(arb, runCase), { numRuns: 30 });
  });

  it('blocks columns without changing the result', async () => {
    await runCase({ m: 13, n: 40, k: 21, ta: false, tb: false, pad: [1, 2, 3], accumulate: true, tuning: { blockCols: 8 }, threads: 2, seed: 11 });
    await runCase({ m: 13, n: 41, k: 21, ta: false, tb: true, pad: [1, 2, 3], accumulate: false, tuning: { blockCols: 12, cols: 3 }, threads: 3, seed: 12 });
  });

  it('rejects bad parameters with one line naming the kernel and the value', () => {
    const base: GemmParams = { name: 'g1', m: 2, n: 2, k: 2, aOffset: 0, lda: 2, transposeA: false, bOffset: 16, ldb: 2, transposeB: false, cOffset: 32, ldc: 2, accumulate: false };
    assert.throws(() => emitGemm({ ...base, lda: 1 }), /^Error: gemm g1: lda = 1 is less than the row length 2$/);
    assert.throws(() => emitGemm({ ...base, bOffset: 6 }), /gemm g1: bOffset must be a non-negative multiple of 4, got 6/);
    assert.throws(() => emitGemm({ ...base, m: 0 }), /gemm g1: m must be a positive integer, got 0/);
    assert.throws(() => emitGemm({ ...base, name: 'x y' }), /name must be an identifier/);
    const store = { expr: S.arg(0), offset: 64, ld: 2 };
    assert.throws(() => emitGemm({ ...base, epilogue: { operands: [], stores: [{ ...store, ld: 1 }] } }), /gemm g1: epilogue store ld = 1 is less than the row length 2/);
    assert.throws(() => emitGemm({ ...base, epilogue: { operands: [{ offset: 2, rowPeriod: 0, rowStride: 0, colStride: 1 }], stores: [store] } }), /operand offset 2 is not a multiple of 4/);
  });
});

interface EpCase {
  m: number; n: number; k: number; tb: boolean; threads: number; seed: number; period: number; accumulate: boolean;
}

/** prelu(x, alpha) with x and alpha given as expressions. */
const prelu = (x: ScalarExpr, alpha: ScalarExpr): ScalarExpr => S.select(S.bin('gt', x, S.c(0)), x, S.bin('mul', alpha, x));

describe('emitGemm epilogues', () => {
  it('writes z = acc + bias and y = prelu(z, alpha) in one pass, with periodic rows and strided operands', async () => {
    const arb = fc.record({
      m: fc.integer({ min: 1, max: 17 }), n: fc.integer({ min: 1, max: 17 }), k: fc.integer({ min: 1, max: 9 }),
      tb: fc.boolean(), threads: fc.integer({ min: 1, max: 2 }), seed: fc.integer({ min: 1, max: 1 << 30 }),
      period: fc.integer({ min: 0, max: 5 }), accumulate: fc.boolean(),
    });
    await fc.assert(fc.asyncProperty(arb, runEpilogueCase), { numRuns: 30 });
  });

  it('renders transcendental epilogues through the shared scalar renderer and its math helpers', async () => {
    const m = 9, n = 7, k = 5;
    const L = new Layout();
    const A = L.alloc(m * k), B = L.alloc(k * n), C = L.alloc(m * n), T = L.alloc(m * n);
    const expr = S.un('tanh', S.arg(0));
    const gemm = emitGemm({ name: 'g', m, n, k, aOffset: A.offset, lda: k, transposeA: false, bOffset: B.offset, ldb: n, transposeB: false, cOffset: C.offset, ldc: n, accumulate: false,
      epilogue: { operands: [], stores: [{ expr, offset: T.offset, ld: n }] } });
    const inst = await instantiate(withMathHelpers([gemm]), L.bytes);
    const a = values(A.floats, 1), b = values(B.floats, 2);
    write(inst.f32, A, a); write(inst.f32, B, b);
    inst.runSplit('g', 2);
    const expected = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += a[i * k + r] * b[r * n + j];
      expected[i * n + j] = evalScalar(expr, [s]);
    }
    assertClose(read(inst.f32, T), expected, 'tanh epilogue');
  });
});

async function runEpilogueCase(c: EpCase): Promise<void> {
  const L = new Layout();
  const A = L.alloc(c.m * c.k), B = L.alloc(c.k * c.n), C = L.alloc(c.m * c.n);
  const bias = L.alloc(c.n);
  const alphaRows = c.period || c.m;
  const alpha = L.alloc(alphaRows * c.n);
  const scale = L.alloc(2 * c.n);
  const Z = L.alloc(c.m * c.n), Y = L.alloc(c.m * c.n), W = L.alloc(c.m * c.n);
  const operands: Operand[] = [
    { offset: bias.offset, rowPeriod: 0, rowStride: 0, colStride: 1 },
    { offset: alpha.offset, rowPeriod: c.period, rowStride: c.n, colStride: 1 },
    { offset: scale.offset, rowPeriod: 0, rowStride: 0, colStride: 2 },
    { offset: scale.offset + 4, rowPeriod: 0, rowStride: 0, colStride: 0 },
  ];
  const z = S.bin('add', S.arg(0), S.arg(1));
  const y = prelu(z, S.arg(2));
  const w = S.bin('sub', S.bin('mul', S.arg(3), S.arg(0)), S.arg(4));
  const epilogue: Epilogue = { operands, stores: [{ expr: z, offset: Z.offset, ld: c.n }, { expr: y, offset: Y.offset, ld: c.n }, { expr: w, offset: W.offset, ld: c.n }] };
  const p: GemmParams = {
    name: 'fused', m: c.m, n: c.n, k: c.k, aOffset: A.offset, lda: c.k, transposeA: false, bOffset: B.offset,
    ldb: c.tb ? c.k : c.n, transposeB: c.tb, cOffset: C.offset, ldc: c.n, accumulate: c.accumulate, epilogue,
  };
  const inst = await instantiate([emitGemm(p)], L.bytes);
  const data = [A, B, C, bias, alpha, scale].map((r, i) => { const v = values(r.floats, c.seed + i); write(inst.f32, r, v); return v; });
  const [a, b, c0, bi, al, sc] = data;
  const before = inst.f32.slice();
  inst.runSplit('fused', c.threads);
  const expZ = new Float64Array(c.m * c.n), expY = new Float64Array(c.m * c.n), expW = new Float64Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = c.accumulate ? c0[i * c.n + j] : 0;
      for (let r = 0; r < c.k; r++) s += a[i * c.k + r] * (c.tb ? b[j * c.k + r] : b[r * c.n + j]);
      const args = [s, bi[j], al[(c.period ? i % c.period : i) * c.n + j], sc[2 * j], sc[1]];
      expZ[i * c.n + j] = evalScalar(z, args);
      expY[i * c.n + j] = evalScalar(y, args);
      expW[i * c.n + j] = evalScalar(w, args);
    }
  }
  assertClose(read(inst.f32, Z), expZ, 'z');
  assertClose(read(inst.f32, Y), expY, 'y');
  assertClose(read(inst.f32, W), expW, 'w');
  assertUntouched(inst.f32, before, [Z, Y, W].map((r) => [r.offset, r.offset + 4 * r.floats] as [number, number]));
}
