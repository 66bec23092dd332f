import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { evalScalar, S, type ScalarExpr } from '../../../../../compiler/ir/scalar';
import {
  REDUCTION_SHARDS,
  emitReductionCombine, emitRowLoop, needsReductionCombine, reductionScratchBytes,
  type LoopOperand, type LoopReduction, type LoopStore, type RowLoopParams,
} from '../../../../../compiler/codegen/cpu/wat/loop';
import { firstMismatch, loadKernels, runOnThreads, type KernelModule } from './loopHarness';

/** Highest element index (+1) an addressing touches over rows x cols. */
function extent(op: LoopOperand, rows: number, cols: number): number {
  const p = op.rowPeriod && op.rowPeriod < rows ? op.rowPeriod : rows;
  return (p - 1) * op.rowStride + (cols - 1) * op.colStride + 1;
}

function elementIndex(op: LoopOperand, r: number, c: number): number {
  const row = op.rowPeriod ? r % op.rowPeriod : r;
  return op.offset / 4 + row * op.rowStride + c * op.colStride;
}

/** Float64 reference of a row loop over a snapshot of memory (as float32 words). */
function referenceRowLoop(p: RowLoopParams, memory: Float32Array): Float64Array {
  const out = Float64Array.from(memory);
  const sums = (p.reductions ?? []).map(() => new Map<number, number>());
  for (let r = 0; r < p.rows; r++) {
    for (let c = 0; c < p.cols; c++) {
      const args = p.operands.map((op) => memory[elementIndex(op, r, c)]);
      for (const e of p.lets ?? []) args.push(evalScalar(e, args));
      for (const s of p.stores) out[s.offset / 4 + r * s.rowStride + c] = evalScalar(s.expr, args);
      (p.reductions ?? []).forEach((red, i) => {
        const at = elementIndex(red.target, r, c);
        sums[i].set(at, (sums[i].get(at) ?? 0) + evalScalar(red.expr, args));
      });
    }
  }
  (p.reductions ?? []).forEach((red, i) => {
    for (const [at, v] of sums[i]) out[at] = (red.accumulate ? memory[at] : 0) + v;
  });
  return out;
}

/** Runs main kernel then combine for tids 0..nth-1 in turn: the thread split, without threads. */
function runSplit(m: KernelModule, p: RowLoopParams, nth: number): void {
  for (let tid = 0; tid < nth; tid++) m.run(p.name, tid, nth);
  if (needsReductionCombine(p)) for (let tid = 0; tid < nth; tid++) m.run(`${p.name}_combine`, tid, nth);
}

async function loadLoop(p: RowLoopParams, bytes: number): Promise<KernelModule> {
  return loadKernels([emitRowLoop(p), emitReductionCombine(p)], bytes);
}

// ---- random loop configurations ----

type Mode = 'full' | 'rowBroadcast' | 'colBroadcast' | 'periodic' | 'strided' | 'scalar';
type TargetMode = 'invariant' | 'invariantSum' | 'periodic' | 'periodicSum' | 'owned' | 'ownedSum' | 'stridedInvariant';

function operandFor(mode: Mode, cols: number, period: number): Omit<LoopOperand, 'offset'> {
  switch (mode) {
    case 'full': return { rowStride: cols, colStride: 1 };
    case 'rowBroadcast': return { rowStride: 0, colStride: 1 };
    case 'colBroadcast': return { rowStride: 1, colStride: 0 };
    case 'periodic': return { rowPeriod: period, rowStride: cols, colStride: 1 };
    case 'strided': return { rowStride: 2 * cols + 1, colStride: 2 };
    case 'scalar': return { rowStride: 0, colStride: 0 };
  }
}

function targetFor(mode: TargetMode, cols: number, period: number): Omit<LoopOperand, 'offset'> {
  switch (mode) {
    case 'invariant': return { rowStride: 0, colStride: 1 };
    case 'invariantSum': return { rowStride: 0, colStride: 0 };
    case 'periodic': return { rowPeriod: period, rowStride: cols, colStride: 1 };
    case 'periodicSum': return { rowPeriod: period, rowStride: 1, colStride: 0 };
    case 'owned': return { rowStride: cols + 2, colStride: 1 };
    case 'ownedSum': return { rowStride: 1, colStride: 0 };
    case 'stridedInvariant': return { rowStride: 0, colStride: 3 };
  }
}

const exprOver = (args: number): fc.Arbitrary<ScalarExpr> => fc.letrec<{ e: ScalarExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: 0, max: args - 1 }).map(S.arg),
    fc.integer({ min: -8, max: 8 }).map((i) => S.c(i / 4)),
    fc.tuple(fc.constantFrom('add', 'sub', 'mul', 'max', 'min' as const), tie('e'), tie('e')).map(([op, a, b]) => S.bin(op, a, b)),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, t, o]) => S.select(S.bin('gt', a, S.c(0)), t, o)),
  ),
})).e;

interface Case { p: RowLoopParams; bytes: number; threads: number }

const loopCase: fc.Arbitrary<Case> = fc.record({
  rows: fc.integer({ min: 1, max: 24 }),
  cols: fc.oneof(fc.integer({ min: 1, max: 13 }), fc.constantFrom(32, 64, 66, 70)),
  period: fc.integer({ min: 1, max: 9 }),
  modes: fc.array(fc.constantFrom<Mode>('full', 'rowBroadcast', 'colBroadcast', 'periodic', 'strided', 'scalar'), { minLength: 1, maxLength: 3 }),
  letCount: fc.integer({ min: 0, max: 2 }),
  storeCount: fc.integer({ min: 0, max: 2 }),
  targets: fc.array(fc.tuple(fc.constantFrom<TargetMode>('invariant', 'invariantSum', 'periodic', 'periodicSum', 'owned', 'ownedSum', 'stridedInvariant'), fc.boolean()), { maxLength: 3 }),
  threads: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer(),
}).chain((k) => {
  const argCount = k.modes.length;
  return fc.record({
    lets: fc.tuple(...Array.from({ length: k.letCount }, (_, j) => exprOver(argCount + j))),
    stores: fc.array(exprOver(argCount + k.letCount), { minLength: k.storeCount, maxLength: k.storeCount }),
    reductions: fc.array(exprOver(argCount + k.letCount), { minLength: k.targets.length, maxLength: k.targets.length }),
  }).map(({ lets, stores, reductions }): Case => {
    let cursor = 0;
    const place = (shape: Omit<LoopOperand, 'offset'>): LoopOperand => {
      const op = { ...shape, offset: cursor * 4 };
      cursor += extent(op, k.rows, k.cols) + 5;
      return op;
    };
    const operands = k.modes.map((m) => place(operandFor(m, k.cols, k.period)));
    const storeList: LoopStore[] = stores.map((expr) => {
      const s = place({ rowStride: k.cols + 1, colStride: 1 });
      return { expr, offset: s.offset, rowStride: s.rowStride };
    });
    const reds: LoopReduction[] = reductions.map((expr, i) => ({ expr, target: place(targetFor(k.targets[i][0], k.cols, k.period)), accumulate: k.targets[i][1] }));
    const base: RowLoopParams = { name: 'fused', rows: k.rows, cols: k.cols, operands, lets, stores: storeList, reductions: reds };
    const partialOffset = cursor * 4;
    const p = { ...base, partialOffset };
    return { p, bytes: partialOffset + reductionScratchBytes(p), threads: k.threads };
  });
});

function fillRandom(data: Float32Array, seed: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s / 2 ** 32) * 4 - 2;
  }
}

// ---- the PReLU backward pass: dx, dalpha, dbias in one pass over dy ----

interface PreluShape { n: number; h: number; w: number; c: number; channelShared: boolean }

/** dy, z = conv output + bias, alpha; dx = z > 0 ? dy : alpha*dy; dalpha = sum dy*min(z,0); dbias = sum dx. */
function preluBackward(s: PreluShape) {
  const rows = s.n * s.h * s.w;
  const size = rows * s.c;
  const alphaSize = s.channelShared ? s.c : s.h * s.w * s.c;
  const dy = 0, z = size * 4, alpha = 2 * size * 4, dx = alpha + alphaSize * 4, dalpha = dx + size * 4, dbias = dalpha + alphaSize * 4;
  const alphaAddressing = s.channelShared ? { rowStride: 0, colStride: 1 } : { rowPeriod: s.h * s.w, rowStride: s.c, colStride: 1 };
  const base: RowLoopParams = {
    name: 'prelu_backward', rows, cols: s.c,
    operands: [{ offset: dy, rowStride: s.c, colStride: 1 }, { offset: z, rowStride: s.c, colStride: 1 }, { offset: alpha, ...alphaAddressing }],
    lets: [S.select(S.bin('gt', S.arg(1), S.c(0)), S.arg(0), S.bin('mul', S.arg(2), S.arg(0)))],
    stores: [{ expr: S.arg(3), offset: dx, rowStride: s.c }],
    reductions: [
      { expr: S.bin('mul', S.arg(0), S.bin('min', S.arg(1), S.c(0))), target: { offset: dalpha, ...alphaAddressing } },
      { expr: S.arg(3), target: { offset: dbias, rowStride: 0, colStride: 1 } },
    ],
    partialOffset: dbias + s.c * 4,
  };
  return { p: base, bytes: base.partialOffset! + reductionScratchBytes(base), at: { dy, z, alpha, dx, dalpha, dbias }, size, alphaSize };
}

function preluReference(s: PreluShape, dy: Float32Array, z: Float32Array, alpha: Float32Array) {
  const dx = new Float64Array(dy.length);
  const dalpha = new Float64Array(alpha.length);
  const dbias = new Float64Array(s.c);
  for (let n = 0; n < s.n; n++) for (let hw = 0; hw < s.h * s.w; hw++) for (let c = 0; c < s.c; c++) {
    const i = (n * s.h * s.w + hw) * s.c + c;
    const a = s.channelShared ? c : hw * s.c + c;
    dx[i] = z[i] > 0 ? dy[i] : alpha[a] * dy[i];
    if (z[i] <= 0) dalpha[a] += dy[i] * z[i];
    dbias[c] += dx[i];
  }
  return { dx, dalpha, dbias };
}

/** `workers`: run on real worker threads; otherwise each thread's share runs in turn here. */
async function checkPrelu(s: PreluShape, threads: number, workers: boolean, seed: number, values?: (i: number) => number): Promise<void> {
  const k = preluBackward(s);
  const m = await loadLoop(k.p, k.bytes);
  const dy = m.f32(k.at.dy, k.size), z = m.f32(k.at.z, k.size), alpha = m.f32(k.at.alpha, k.alphaSize);
  fillRandom(dy, seed);
  fillRandom(z, seed + 1);
  fillRandom(alpha, seed + 2);
  if (values) for (let i = 0; i < k.size; i++) z[i] = values(i);
  m.f32(k.at.dx, k.size + k.alphaSize + s.c).fill(NaN); // every output must be written
  if (!workers) runSplit(m, k.p, threads);
  else {
    await runOnThreads(m, k.p.name, threads);
    await runOnThreads(m, `${k.p.name}_combine`, threads);
  }
  const want = preluReference(s, dy, z, alpha);
  const rows = s.n * s.h * s.w;
  assert.equal(firstMismatch(m.f32(k.at.dx, k.size), want.dx, 0, 1e-6), null, 'dx');
  assert.equal(firstMismatch(m.f32(k.at.dalpha, k.alphaSize), want.dalpha, 1e-4, 1e-4 * Math.sqrt(rows)), null, 'dalpha');
  assert.equal(firstMismatch(m.f32(k.at.dbias, s.c), want.dbias, 1e-4, 1e-4 * Math.sqrt(rows)), null, 'dbias');
}

describe('codegen/cpu/wat/loop', () => {
  describe('PReLU backward: dx, dalpha and dbias in one pass over dy', () => {
    const shapes = fc.record({
      n: fc.integer({ min: 1, max: 4 }), h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 5 }),
      c: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constant(32), fc.constant(68)), channelShared: fc.boolean(),
    });
    it('equals the float64 reference (element-wise and channel-wise alpha, 1 and 3 thread splits)', async () => {
      await fc.assert(fc.asyncProperty(shapes, fc.integer(), fc.constantFrom(1, 3), async (s, seed, threads) => {
        await checkPrelu(s, threads, false, seed);
      }), { numRuns: 30 });
    });
    it('at z == 0 takes dx = alpha*dy and adds nothing to dalpha (exact convention)', async () => {
      await checkPrelu({ n: 2, h: 3, w: 3, c: 8, channelShared: false }, 1, false, 7, (i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? -0 : 1));
    });
    it('on the seed layer shape (26x26x32, batch 2) with two real worker threads', async () => {
      await checkPrelu({ n: 2, h: 26, w: 26, c: 32, channelShared: false }, 2, true, 11);
    });
    it('with channel-wise alpha and 6 channels (scalar remainder) on two worker threads', async () => {
      await checkPrelu({ n: 3, h: 4, w: 5, c: 6, channelShared: true }, 2, true, 5);
    });
  });


  it('equals a float64 reference for random operands, lets, stores and reductions, split over 1..4 threads', async () => {
    await fc.assert(fc.asyncProperty(loopCase, fc.integer(), async ({ p, bytes, threads }, seed) => {
      const m = await loadLoop(p, bytes);
      const words = (p.partialOffset ?? 0) / 4;
      const mem = m.f32(0, words);
      fillRandom(mem, seed);
      const initial = mem.slice();
      const want = referenceRowLoop(p, initial);
      let single: Float32Array | null = null;
      for (const nth of new Set([1, threads])) {
        mem.set(initial);
        runSplit(m, p, nth);
        const bad = firstMismatch(mem, want, 1e-4, 1e-4);
        assert.equal(bad, null, `${nth} thread(s): ${bad}`);
        // Rows are summed in fixed shards, so every thread count gives the same bits.
        if (single === null) single = mem.slice();
        else assert.deepEqual(mem, single, `${nth} threads differ from one`);
      }
    }), { numRuns: 60 });
  });

  it('sums the seed PReLU backward to the same bits on 1, 2, 3 and 16 threads', async () => {
    const k = preluBackward({ n: 5, h: 26, w: 26, c: 32, channelShared: false });
    const m = await loadLoop(k.p, k.bytes);
    const inputs = m.f32(0, k.at.dx / 4);
    fillRandom(inputs, 3);
    const results = [1, 2, 3, 16].map((nth) => {
      runSplit(m, k.p, nth);
      return m.f32(k.at.dx, k.size + k.alphaSize + 32).slice();
    });
    for (const r of results.slice(1)) assert.deepEqual(r, results[0]);
  });

  it('loads only the operands it uses and needs no combine kernel without cross-thread sums', () => {
    const p: RowLoopParams = {
      name: 'scale', rows: 4, cols: 8,
      operands: [{ offset: 0, rowStride: 8, colStride: 1 }, { offset: 512, rowStride: 8, colStride: 1 }],
      stores: [{ expr: S.bin('mul', S.arg(0), S.c(2)), offset: 1024, rowStride: 8 }],
      reductions: [{ expr: S.arg(0), target: { offset: 2048, rowStride: 1, colStride: 0 } }],
    };
    const text = emitRowLoop(p).text;
    assert.ok(!text.includes('offset=512'), 'operand 1 is never read');
    assert.equal(needsReductionCombine(p), false);
    assert.equal(reductionScratchBytes(p), 0);
  });

  it('sizes the partial area as shards x target size for shared targets', () => {
    const p: RowLoopParams = {
      name: 'sums', rows: 12, cols: 5, partialOffset: 0,
      operands: [{ offset: 0, rowStride: 5, colStride: 1 }], stores: [],
      reductions: [
        { expr: S.arg(0), target: { offset: 4096, rowStride: 0, colStride: 1 } },
        { expr: S.arg(0), target: { offset: 8192, rowPeriod: 4, rowStride: 5, colStride: 1 } },
        { expr: S.arg(0), target: { offset: 9000, rowStride: 0, colStride: 0 } },
      ],
    };
    assert.equal(reductionScratchBytes(p), REDUCTION_SHARDS * 4 * (5 + 4 * 5 + 1));
    assert.equal(reductionScratchBytes({ ...p, rows: 3 }), 3 * 4 * (5 + 1), 'no more shards than rows (and period 4 never repeats in 3 rows)');
  });

  it('rejects malformed parameters in one line naming the kernel and the fault', () => {
    const ok: RowLoopParams = { name: 'k', rows: 2, cols: 4, operands: [{ offset: 0, rowStride: 4, colStride: 1 }], stores: [{ expr: S.arg(0), offset: 64, rowStride: 4 }] };
    assert.throws(() => emitRowLoop({ ...ok, rows: 0 }), /row loop 'k': rows must be an integer >= 1, got 0/);
    assert.throws(() => emitRowLoop({ ...ok, stores: [{ expr: S.arg(3), offset: 64, rowStride: 4 }] }), /row loop 'k': store 0 reads argument 3, but only 1 are defined/);
    assert.throws(() => emitRowLoop({ ...ok, operands: [{ offset: 2, rowStride: 4, colStride: 1 }] }), /operand 0 offset 2 is not a multiple of 4/);
    assert.throws(() => emitRowLoop({ ...ok, reductions: [{ expr: S.arg(0), target: { offset: 0, rowStride: 0, colStride: 1 } }] }), /needs partialOffset/);
    assert.throws(() => emitRowLoop({ ...ok, name: 'a b' }), /not a plain identifier/);
  });
});
