// ScalarExpr -> WAT f32x4 for GEMM/convolution epilogues (bias, PReLU, ReLU, scaling).
// A deliberately small renderer: epilogues are arithmetic, comparisons and selects;
// transcendental ops (exp, log, tanh) have no SIMD instruction and are refused here.

import type { ScalarExpr } from '../../../ir/scalar';

export function f32x4Const(value: number): string {
  const v = Math.fround(value);
  const text = Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : Object.is(v, -0) ? '-0' : String(v);
  return `(v128.const f32x4 ${text} ${text} ${text} ${text})`;
}

const ONE = f32x4Const(1);
const ZERO = f32x4Const(0);

const COMPARE = { gt: 'f32x4.gt', ge: 'f32x4.ge', lt: 'f32x4.lt', le: 'f32x4.le', eq: 'f32x4.eq' } as const;
const ARITH = { add: 'f32x4.add', sub: 'f32x4.sub', mul: 'f32x4.mul', div: 'f32x4.div', max: 'f32x4.max', min: 'f32x4.min' } as const;

/** An all-ones/all-zeros lane mask that is set where `e` is non-zero. */
function mask(e: ScalarExpr, args: readonly string[]): string {
  if (e.kind === 'binary' && e.op in COMPARE) {
    return `(${COMPARE[e.op as keyof typeof COMPARE]} ${renderEpilogueF32x4(e.a, args)} ${renderEpilogueF32x4(e.b, args)})`;
  }
  return `(f32x4.ne ${renderEpilogueF32x4(e, args)} ${ZERO})`;
}

/** Renders `e` as an f32x4 WAT expression; `args[i]` is the WAT expression for argument i. */
export function renderEpilogueF32x4(e: ScalarExpr, args: readonly string[]): string {
  switch (e.kind) {
    case 'arg': {
      const a = args[e.index];
      if (a === undefined) throw new Error(`epilogue expression uses argument ${e.index}, only ${args.length} given`);
      return a;
    }
    case 'const': return f32x4Const(e.value);
    case 'unary': {
      const x = renderEpilogueF32x4(e.x, args);
      switch (e.op) {
        case 'neg': return `(f32x4.neg ${x})`;
        case 'abs': return `(f32x4.abs ${x})`;
        case 'sqrt': return `(f32x4.sqrt ${x})`;
        case 'sign': return `(f32x4.sub (v128.and (f32x4.gt ${x} ${ZERO}) ${ONE}) (v128.and (f32x4.lt ${x} ${ZERO}) ${ONE}))`;
        default: throw new Error(`'${e.op}' has no f32x4 form and cannot be fused into a GEMM epilogue`);
      }
    }
    case 'binary': {
      if (e.op in COMPARE) return `(v128.and ${mask(e, args)} ${ONE})`;
      const op = ARITH[e.op as keyof typeof ARITH];
      return `(${op} ${renderEpilogueF32x4(e.a, args)} ${renderEpilogueF32x4(e.b, args)})`;
    }
    case 'select':
      return `(v128.bitselect ${renderEpilogueF32x4(e.then, args)} ${renderEpilogueF32x4(e.else, args)} ${mask(e.cond, args)})`;
  }
}
