// Renders a ScalarExpr (what one element of an elementwise op computes) as a WAT expression,
// for one f32 or for four lanes at once. Each argument's WAT text is used at most once per
// occurrence of that argument in the tree, so callers pass cheap reads (local.get).
// Transcendentals call helpers from math.ts: build modules with `withMathHelpers`.

import type { ScalarBinary, ScalarExpr, ScalarUnary } from '../../../ir/scalar';
import { callMath, type MathFunction, type MathWidth } from './math';
import { F32, F32X4, type Lanes } from './mathLanes';

type Comparison = 'gt' | 'ge' | 'lt' | 'le' | 'eq';
const COMPARISONS: ReadonlySet<ScalarBinary> = new Set<ScalarBinary>(['gt', 'ge', 'lt', 'le', 'eq']);

function isComparison(op: ScalarBinary): op is Comparison {
  return COMPARISONS.has(op);
}

const HELPER_UNARY: Partial<Record<ScalarUnary, MathFunction>> = { exp: 'exp', log: 'log', tanh: 'tanh', sign: 'sign' };

function renderUnary(L: Lanes, width: MathWidth, op: ScalarUnary, x: string): string {
  const helper = HELPER_UNARY[op];
  if (helper) return callMath(helper, width, x);
  if (op === 'neg') return L.fneg(x);
  if (op === 'abs') return L.fabs(x);
  return L.fsqrt(x);
}

function renderArithmetic(L: Lanes, op: Exclude<ScalarBinary, Comparison>, a: string, b: string): string {
  switch (op) {
    case 'add': return L.fadd(a, b);
    case 'sub': return L.fsub(a, b);
    case 'mul': return L.fmul(a, b);
    case 'div': return L.fdiv(a, b);
    case 'max': return L.fmax(a, b);
    case 'min': return L.fmin(a, b);
  }
}

/** A comparison-valued condition becomes its mask directly; anything else is tested against 0. */
function renderMask(L: Lanes, width: MathWidth, cond: ScalarExpr, args: readonly string[]): string {
  if (cond.kind === 'binary' && isComparison(cond.op)) {
    return L.cmp(cond.op, render(L, width, cond.a, args), render(L, width, cond.b, args));
  }
  return L.cmp('ne', render(L, width, cond, args), L.fconst(0));
}

function render(L: Lanes, width: MathWidth, e: ScalarExpr, args: readonly string[]): string {
  switch (e.kind) {
    case 'arg': {
      const text = args[e.index];
      if (text === undefined) throw new Error(`scalar expression reads argument ${e.index} but only ${args.length} were given`);
      return text;
    }
    case 'const': return L.fconst(e.value);
    case 'unary': return renderUnary(L, width, e.op, render(L, width, e.x, args));
    case 'binary': {
      if (isComparison(e.op)) return L.maskToFloat(renderMask(L, width, e, args));
      return renderArithmetic(L, e.op, render(L, width, e.a, args), render(L, width, e.b, args));
    }
    case 'select':
      return L.select(renderMask(L, width, e.cond, args), render(L, width, e.then, args), render(L, width, e.else, args));
  }
}

/** `expr` over four lanes; `args` are v128 (f32x4) WAT expressions. */
export function renderScalarF32x4(expr: ScalarExpr, args: readonly string[]): string {
  return render(F32X4, 'f32x4', expr, args);
}

/** `expr` for one element; `args` are f32 WAT expressions. */
export function renderScalarF32(expr: ScalarExpr, args: readonly string[]): string {
  return render(F32, 'f32', expr, args);
}

/** The argument indices an expression reads (so a kernel loads only those). */
export function scalarArgsUsed(e: ScalarExpr, into: Set<number> = new Set()): Set<number> {
  switch (e.kind) {
    case 'arg': into.add(e.index); break;
    case 'const': break;
    case 'unary': scalarArgsUsed(e.x, into); break;
    case 'binary': scalarArgsUsed(e.a, into); scalarArgsUsed(e.b, into); break;
    case 'select': scalarArgsUsed(e.cond, into); scalarArgsUsed(e.then, into); scalarArgsUsed(e.else, into); break;
  }
  return into;
}
