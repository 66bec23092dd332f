// Scalar expressions: what an elementwise op computes for one element, as a tiny tree.
// Every code generator (JS, WAT, gpu.js) renders these, so an op states its arithmetic once.

export type ScalarUnary = 'neg' | 'exp' | 'log' | 'tanh' | 'abs' | 'sqrt' | 'sign';
export type ScalarBinary = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'gt' | 'ge' | 'lt' | 'le' | 'eq';

export type ScalarExpr =
  | { readonly kind: 'arg'; readonly index: number }
  | { readonly kind: 'const'; readonly value: number }
  | { readonly kind: 'unary'; readonly op: ScalarUnary; readonly x: ScalarExpr }
  | { readonly kind: 'binary'; readonly op: ScalarBinary; readonly a: ScalarExpr; readonly b: ScalarExpr }
  /** cond != 0 ? then : else */
  | { readonly kind: 'select'; readonly cond: ScalarExpr; readonly then: ScalarExpr; readonly else: ScalarExpr };

export const S = {
  arg: (index: number): ScalarExpr => ({ kind: 'arg', index }),
  c: (value: number): ScalarExpr => ({ kind: 'const', value }),
  un: (op: ScalarUnary, x: ScalarExpr): ScalarExpr => ({ kind: 'unary', op, x }),
  bin: (op: ScalarBinary, a: ScalarExpr, b: ScalarExpr): ScalarExpr => ({ kind: 'binary', op, a, b }),
  select: (cond: ScalarExpr, then: ScalarExpr, otherwise: ScalarExpr): ScalarExpr => ({ kind: 'select', cond, then, else: otherwise }),
};

const UNARY: Record<ScalarUnary, (x: number) => number> = {
  neg: (x) => -x, exp: Math.exp, log: Math.log, tanh: Math.tanh, abs: Math.abs, sqrt: Math.sqrt, sign: Math.sign,
};
const BINARY: Record<ScalarBinary, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  max: (a, b) => Math.max(a, b), min: (a, b) => Math.min(a, b),
  gt: (a, b) => (a > b ? 1 : 0), ge: (a, b) => (a >= b ? 1 : 0), lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0), eq: (a, b) => (a === b ? 1 : 0),
};

/** Evaluates an expression in float64 (used by tests to check codegen renderings). */
export function evalScalar(e: ScalarExpr, args: readonly number[]): number {
  switch (e.kind) {
    case 'arg': return args[e.index];
    case 'const': return e.value;
    case 'unary': return UNARY[e.op](evalScalar(e.x, args));
    case 'binary': return BINARY[e.op](evalScalar(e.a, args), evalScalar(e.b, args));
    case 'select': return evalScalar(e.cond, args) !== 0 ? evalScalar(e.then, args) : evalScalar(e.else, args);
  }
}

/** Substitutes argument i of `e` with `subs[i]`: how fusion composes elementwise ops. */
export function substitute(e: ScalarExpr, subs: readonly ScalarExpr[]): ScalarExpr {
  switch (e.kind) {
    case 'arg': return subs[e.index];
    case 'const': return e;
    case 'unary': return { ...e, x: substitute(e.x, subs) };
    case 'binary': return { ...e, a: substitute(e.a, subs), b: substitute(e.b, subs) };
    case 'select': return { ...e, cond: substitute(e.cond, subs), then: substitute(e.then, subs), else: substitute(e.else, subs) };
  }
}
