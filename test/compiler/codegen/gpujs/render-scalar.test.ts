import { strict as assert } from 'assert';
import fc from 'fast-check';
import { assembleKernel } from '../../../../compiler/codegen/gpujs/kernel';
import { renderNumber, renderScalarGpu } from '../../../../compiler/codegen/gpujs/render-scalar';
import type { ScalarBinary, ScalarExpr, ScalarUnary } from '../../../../compiler/ir/scalar';
import { evalScalar, S } from '../../../../compiler/ir/scalar';
import { compileGpuKernel, readGpuValue } from '../../../../runtime/backends/gpujs/kernels';
import { useGpu } from '../../../support/webgl';
import { f32Values } from './arbitraries';

const UNARY: readonly ScalarUnary[] = ['neg', 'exp', 'log', 'tanh', 'abs', 'sqrt', 'sign'];
const BINARY: readonly ScalarBinary[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'gt', 'ge', 'lt', 'le', 'eq'];

/**
 * Expression trees over three arguments, every node kind, negative constants included.
 * tanh is left out: its rendering is exact to an absolute error only (checked on its own).
 */
const exprs = fc.letrec<{ expr: ScalarExpr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: 2 }).map((i) => S.arg(i)),
    fc.constantFrom(0, 1, -1, 0.25, -2.5, 1e-7).map((v) => S.c(v)),
    fc.tuple(fc.constantFrom(...UNARY.filter((op) => op !== 'tanh')), tie('expr')).map(([op, x]) => S.un(op, x)),
    fc.tuple(fc.constantFrom(...BINARY), tie('expr'), tie('expr')).map(([op, a, b]) => S.bin(op, a, b)),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, t, e]) => S.select(c, t, e)),
  ),
})).expr;

function sameNumber(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

describe('renderScalarGpu', () => {
  it('means what evalScalar means (the rendering run as JavaScript)', () => {
    fc.assert(fc.property(exprs, fc.tuple(f32Values(), f32Values(), f32Values()), (expr, args) => {
      const f = new Function('a0', 'a1', 'a2', `return ${renderScalarGpu(expr, ['a0', 'a1', 'a2'])};`) as (...a: number[]) => number;
      const got = f(...args);
      const expected = evalScalar(expr, args);
      assert.ok(sameNumber(got, expected), `${renderScalarGpu(expr, ['a0', 'a1', 'a2'])} at ${args}: ${got} vs ${expected}`);
    }), { numRuns: 300 });
  });

  it('renders tanh within 1e-12 of Math.tanh (absolute), saturating instead of overflowing', () => {
    const f = new Function('x', `return ${renderScalarGpu(S.un('tanh', S.arg(0)), ['x'])};`) as (x: number) => number;
    assert.equal(f(1000), 1);
    assert.equal(f(-1000), -1);
    fc.assert(fc.property(f32Values(-60, 60), (x) => Math.abs(f(x) - Math.tanh(x)) <= 1e-12), { numRuns: 300 });
  });

  it('renders constants as literals, infinities as the float32 maximum, and refuses NaN', () => {
    assert.equal(renderNumber(0.25), '0.25');
    assert.equal(renderNumber(-3), '(-3)');
    assert.equal(renderNumber(1e-7), '1e-7');
    assert.equal(renderNumber(Infinity), '3.4028234663852886e38');
    assert.equal(renderNumber(-Infinity), '(-3.4028234663852886e38)');
    assert.throws(() => renderNumber(NaN), /NaN/);
  });

  it('refuses an argument index it was not given', () => {
    assert.throws(() => renderScalarGpu(S.arg(2), ['a', 'b']), /argument 2 of 2/);
  });

  it('refuses a uniform name that is not an identifier', () => {
    assert.throws(() => assembleKernel({ label: 't', out: [1], inputs: [], attrs: {}, emit: () => '0', scalars: ['a); x('] }), /not an identifier/);
  });
});

describe('renderScalarGpu on WebGL', () => {
  const gpu = useGpu();

  /** Evaluates `expr` over rows of (a0, a1) on the GPU. */
  function onGpu(expr: ScalarExpr, rows: readonly (readonly [number, number])[]): Float32Array {
    const kernel = compileGpuKernel(gpu(), assembleKernel({
      label: 'expr', out: [rows.length], inputs: [[rows.length], [rows.length]], attrs: {},
      emit: ({ w, inputs: [a, b], flat }) => {
        w.line(`const a0 = ${a.name}[${flat}];`);
        w.line(`const a1 = ${b.name}[${flat}];`);
        return renderScalarGpu(expr, ['a0', 'a1']);
      },
    }));
    try {
      return readGpuValue(kernel.run([Float32Array.from(rows, (r) => r[0]), Float32Array.from(rows, (r) => r[1])]));
    } finally {
      kernel.destroy();
    }
  }

  // Equal, ordered both ways, negative, zero, and values where the functions are well defined.
  const rows: readonly (readonly [number, number])[] = [[1.5, 1.5], [-0.75, 2], [2, -0.75], [0, 0.5], [0.5, 0], [3, 0.25], [-2, -2]];

  for (const op of BINARY) {
    it(`${op} agrees with evalScalar on the GPU`, () => {
      const out = onGpu(S.bin(op, S.arg(0), S.arg(1)), rows);
      rows.forEach(([a, b], i) => {
        const expected = evalScalar(S.bin(op, S.arg(0), S.arg(1)), [a, b]);
        assert.ok(out[i] === expected || Math.abs(out[i] - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), `${op}(${a}, ${b}) = ${out[i]}, expected ${expected}`);
      });
    });
  }

  it('every unary function and select agree with evalScalar on the GPU', () => {
    const positive = rows.map(([a, b]) => [Math.abs(a) + 0.125, b] as const);
    for (const op of UNARY) {
      const expr = S.select(S.arg(1), S.un(op, S.arg(0)), S.c(-7));
      const out = onGpu(expr, positive);
      positive.forEach((args, i) => {
        const expected = evalScalar(expr, [...args]);
        assert.ok(Math.abs(out[i] - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `${op} at ${args}: ${out[i]}, expected ${expected}`);
      });
    }
  });
});
