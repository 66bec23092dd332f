import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { evalScalar, S, type ScalarBinary, type ScalarExpr, type ScalarUnary } from '../../../../../compiler/ir/scalar';
import { renderScalarF32, renderScalarF32x4, scalarArgsUsed } from '../../../../../compiler/codegen/cpu/wat/scalar';
import { loadKernels } from './loopHarness';

const ARGS = 3;
const LANES = 8;
const ARG_BYTES = LANES * 4;
const VEC_OUT = ARGS * ARG_BYTES;
const SCALAR_OUT = VEC_OUT + ARG_BYTES;

/** Two kernels evaluating `expr` on LANES elements: one in f32x4 chunks, one element at a time. */
function expressionKernels(expr: ScalarExpr) {
  const vec: string[] = [];
  const sca: string[] = [];
  for (let chunk = 0; chunk < LANES / 4; chunk++) {
    const args = Array.from({ length: ARGS }, (_, j) => `(v128.load offset=${j * ARG_BYTES + chunk * 16} (i32.const 0))`);
    vec.push(`(v128.store offset=${VEC_OUT + chunk * 16} (i32.const 0) ${renderScalarF32x4(expr, args)})`);
  }
  for (let i = 0; i < LANES; i++) {
    const args = Array.from({ length: ARGS }, (_, j) => `(f32.load offset=${j * ARG_BYTES + i * 4} (i32.const 0))`);
    sca.push(`(f32.store offset=${SCALAR_OUT + i * 4} (i32.const 0) ${renderScalarF32(expr, args)})`);
  }
  return [
    { name: 'vec', text: `(func $vec (param $tid i32) (param $nth i32)\n${vec.join('\n')})` },
    { name: 'sca', text: `(func $sca (param $tid i32) (param $nth i32)\n${sca.join('\n')})` },
  ];
}

async function runExpression(expr: ScalarExpr, inputs: readonly (readonly number[])[]): Promise<{ vec: Float32Array; sca: Float32Array }> {
  const m = await loadKernels(expressionKernels(expr), SCALAR_OUT + ARG_BYTES);
  inputs.forEach((values, j) => m.f32(j * ARG_BYTES, LANES).set(values));
  m.run('vec');
  m.run('sca');
  return { vec: m.f32(VEC_OUT, LANES).slice(), sca: m.f32(SCALAR_OUT, LANES).slice() };
}

const f = Math.fround;
const EXACT_UNARY: Record<Exclude<ScalarUnary, 'exp' | 'log' | 'tanh'>, (x: number) => number> = {
  neg: (x) => -x, abs: Math.abs, sqrt: (x) => f(Math.sqrt(x)), sign: Math.sign,
};

/** evalScalar with every intermediate rounded to f32, as the wasm code computes it. */
function evalF32(e: ScalarExpr, args: readonly number[]): number {
  switch (e.kind) {
    case 'arg': return f(args[e.index]);
    case 'const': return f(e.value);
    case 'unary': return f(evalScalar({ ...e, x: S.arg(0) }, [evalF32(e.x, args)]));
    case 'binary': return f(evalScalar({ ...e, a: S.arg(0), b: S.arg(1) }, [evalF32(e.a, args), evalF32(e.b, args)]));
    case 'select': return evalF32(e.cond, args) !== 0 ? evalF32(e.then, args) : evalF32(e.else, args);
  }
}

const BINARY: readonly ScalarBinary[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'gt', 'ge', 'lt', 'le', 'eq'];

/** Expressions over args 0..2 using every op except the transcendental ones. */
const exactExpr: fc.Arbitrary<ScalarExpr> = fc.letrec<{ e: ScalarExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: ARGS - 1 }).map(S.arg),
    fc.float().map(S.c),
    fc.tuple(fc.constantFrom(...(Object.keys(EXACT_UNARY) as ScalarUnary[])), tie('e')).map(([op, x]) => S.un(op, x)),
    fc.tuple(fc.constantFrom(...BINARY), tie('e'), tie('e')).map(([op, a, b]) => S.bin(op, a, b)),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, t, o]) => S.select(c, t, o)),
  ),
})).e;

const lanesOf = (values: fc.Arbitrary<number>) => fc.array(fc.array(values, { minLength: LANES, maxLength: LANES }), { minLength: ARGS, maxLength: ARGS });

function sameF32(got: number, want: number): boolean {
  return Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want));
}

describe('codegen/cpu/wat/scalar', () => {
  it('renders every non-transcendental op exactly as f32 arithmetic (both widths, specials included)', async () => {
    await fc.assert(fc.asyncProperty(exactExpr, lanesOf(fc.float()), async (expr, inputs) => {
      const { vec, sca } = await runExpression(expr, inputs);
      for (let i = 0; i < LANES; i++) {
        const want = evalF32(expr, inputs.map((a) => a[i]));
        assert.ok(sameF32(vec[i], want), `f32x4 lane ${i}: got ${vec[i]}, want ${want}`);
        assert.ok(sameF32(sca[i], want), `f32 element ${i}: got ${sca[i]}, want ${want}`);
      }
    }), { numRuns: 60 });
  });

  it('renders exp/log/tanh inside selects and arithmetic close to evalScalar (float64)', async () => {
    const transcendental = fc.constantFrom<ScalarUnary>('exp', 'log', 'tanh');
    const shape = fc.tuple(transcendental, fc.constantFrom<ScalarBinary>('gt', 'le'), fc.constantFrom<ScalarBinary>('add', 'mul', 'sub'))
      .map(([fn, cmp, op]) => S.select(S.bin(cmp, S.arg(0), S.c(0.5)), S.un(fn, S.bin(op, S.arg(1), S.arg(2))), S.bin('mul', S.un(fn, S.arg(2)), S.arg(0))));
    const value = fc.double({ min: 0.1, max: 3, noNaN: true });
    await fc.assert(fc.asyncProperty(shape, lanesOf(value), async (expr, inputs) => {
      const { vec, sca } = await runExpression(expr, inputs);
      for (let i = 0; i < LANES; i++) {
        const want = evalScalar(expr, inputs.map((a) => f(a[i])));
        const tol = 1e-6 * Math.max(1, Math.abs(want));
        assert.ok(Math.abs(vec[i] - want) <= tol || sameF32(vec[i], want), `f32x4 lane ${i}: ${vec[i]} vs ${want}`);
        assert.ok(Math.abs(sca[i] - want) <= tol || sameF32(sca[i], want), `f32 element ${i}: ${sca[i]} vs ${want}`);
      }
    }), { numRuns: 25 });
  });

  it('comparisons are 1.0/0.0 values and select tests its condition against zero (NaN selects then)', async () => {
    const expr = S.bin('add', S.bin('gt', S.arg(0), S.arg(1)), S.select(S.arg(2), S.c(10), S.c(20)));
    const inputs = [[1, 0, 5, -5, NaN, 0, 2, 2], [0, 1, 5, -6, 0, -0, 2, 3], [1, 0, NaN, -0, 0, 3, 1e-45, 0]];
    const { vec, sca } = await runExpression(expr, inputs);
    const want = [11, 20, 10, 21, 20, 10, 10, 20];
    assert.deepEqual([...vec], want);
    assert.deepEqual([...sca], want);
  });

  it('reports the arguments an expression reads, and rejects a missing argument', () => {
    const expr = S.select(S.bin('gt', S.arg(2), S.c(0)), S.arg(0), S.un('exp', S.arg(2)));
    assert.deepEqual([...scalarArgsUsed(expr)].sort(), [0, 2]);
    assert.throws(() => renderScalarF32x4(expr, ['(local.get $a)']), /argument 2 but only 1/);
  });
});
