// exp, log, tanh and sign as WAT helper functions, scalar (f32) and vector (f32x4).
// WebAssembly has no transcendental instructions; these are Cephes' single-precision
// algorithms (range reduction + minimax polynomial), written once over `Lanes`.
// Kernels call `$nnc_<fn>_<width>`; `withMathHelpers` adds the definitions a module needs.

import type { WatFunction } from './module';
import { F32, F32X4, type Lanes } from './mathLanes';

export type MathFunction = 'exp' | 'log' | 'tanh' | 'sign';
export type MathWidth = 'f32' | 'f32x4';

/** The name (without `$`) of a helper, e.g. `nnc_exp_f32x4`. */
export function mathHelperName(fn: MathFunction, width: MathWidth): string {
  return `nnc_${fn}_${width}`;
}

/** A call of a helper on one WAT expression. */
export function callMath(fn: MathFunction, width: MathWidth, arg: string): string {
  return `(call $${mathHelperName(fn, width)} ${arg})`;
}

interface HelperBody {
  readonly locals: readonly string[];
  readonly statements: readonly string[];
  readonly result: string;
}

const get = (name: string): string => `(local.get $${name})`;
const set = (name: string, value: string): string => `(local.set $${name} ${value})`;

/** Horner evaluation of coefficients (highest degree first) at `x`. */
function horner(L: Lanes, coefficients: readonly number[], x: string): string {
  let acc = L.fconst(coefficients[0]);
  for (const c of coefficients.slice(1)) acc = L.fadd(L.fmul(acc, x), L.fconst(c));
  return acc;
}

/** 2^n for an integer-valued n in [-252, 254], as two normal powers so gradual underflow rounds once. */
function scaleByPow2(L: Lanes, p: string, n: string): string {
  const half = L.ishrS(n, 1);
  const rest = L.isub(n, half);
  const pow2 = (k: string): string => L.floatOf(L.ishl(L.iadd(k, L.iconst(127)), 23));
  return L.fmul(L.fmul(p, pow2(half)), pow2(rest));
}

const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;

function expBody(L: Lanes): HelperBody {
  const clamped = L.fmin(L.fmax(get('x'), L.fconst(-110)), L.fconst(89));
  const r = L.fsub(L.fsub(get('x'), L.fmul(get('n'), L.fconst(LN2_HI))), L.fmul(get('n'), L.fconst(LN2_LO)));
  const poly = horner(L, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1], get('r'));
  const p = L.fadd(L.fadd(L.fmul(poly, L.fmul(get('r'), get('r'))), get('r')), L.fconst(1));
  return {
    locals: [`(local $n ${L.floatType})`, `(local $r ${L.floatType})`],
    statements: [
      set('x', clamped),
      set('n', L.fnearest(L.fmul(get('x'), L.fconst(Math.LOG2E)))),
      set('r', r),
    ],
    result: scaleByPow2(L, p, L.ftoi(get('n'))),
  };
}

const MIN_NORMAL = 2 ** -126;

function logBody(L: Lanes): HelperBody {
  const denormal = L.cmp('lt', get('x'), L.fconst(MIN_NORMAL));
  const bits = L.bitsOf(L.select(get('den'), L.fmul(get('x'), L.fconst(2 ** 23)), get('x')));
  const biased = L.iand(L.ishrU(get('bits'), 23), L.iconst(0xff));
  const exponent = L.isub(L.isub(biased, L.iconst(126)), L.select(get('den'), L.iconst(23), L.iconst(0)));
  const mantissa = L.floatOf(L.ior(L.iand(get('bits'), L.iconst(0x007fffff)), L.iconst(0x3f000000)));
  const small = L.cmp('lt', get('m'), L.fconst(Math.SQRT1_2));
  const poly = horner(L, [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1], get('f'));
  const y = L.fsub(L.fadd(L.fmul(L.fmul(poly, get('f')), get('z')), L.fmul(get('e'), L.fconst(LN2_LO))), L.fmul(L.fconst(0.5), get('z')));
  // Specials: +inf and NaN give x, negatives NaN, zeros -inf.
  let result = L.fadd(L.fadd(get('f'), y), L.fmul(get('e'), L.fconst(LN2_HI)));
  result = L.select(L.cmp('le', get('x'), L.fconst(3.4028234663852886e38)), result, get('x'));
  result = L.select(L.cmp('lt', get('x'), L.fconst(0)), L.fconst(NaN), result);
  result = L.select(L.cmp('eq', get('x'), L.fconst(0)), L.fconst(-Infinity), result);
  return {
    locals: [`(local $den ${L.maskType})`, `(local $small ${L.maskType})`, `(local $bits ${L.intType})`, `(local $m ${L.floatType})`,
      `(local $e ${L.floatType})`, `(local $f ${L.floatType})`, `(local $z ${L.floatType})`],
    statements: [
      set('den', denormal),
      set('bits', bits),
      set('m', mantissa),
      set('e', L.itof(exponent)),
      set('small', small),
      set('e', L.fsub(get('e'), L.maskToFloat(get('small')))),
      set('f', L.select(get('small'), L.fsub(L.fadd(get('m'), get('m')), L.fconst(1)), L.fsub(get('m'), L.fconst(1)))),
      set('z', L.fmul(get('f'), get('f'))),
    ],
    result,
  };
}

function tanhBody(L: Lanes, width: MathWidth): HelperBody {
  const poly = horner(L, [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1], get('z'));
  const small = L.fadd(L.fmul(L.fmul(poly, get('z')), get('x')), get('x'));
  const e = callMath('exp', width, L.fadd(get('a'), get('a')));
  const large = L.copysign(L.fsub(L.fconst(1), L.fdiv(L.fconst(2), L.fadd(e, L.fconst(1)))), get('x'));
  return {
    locals: [`(local $a ${L.floatType})`, `(local $z ${L.floatType})`],
    statements: [set('a', L.fabs(get('x'))), set('z', L.fmul(get('x'), get('x')))],
    result: L.select(L.cmp('lt', get('a'), L.fconst(0.625)), small, large),
  };
}

function signBody(L: Lanes): HelperBody {
  // ±1 with x's sign where x is non-zero and not NaN; ±0 and NaN are their own sign.
  const nonZero = L.cmp('gt', L.fabs(get('x')), L.fconst(0));
  return { locals: [], statements: [], result: L.select(nonZero, L.copysign(L.fconst(1), get('x')), get('x')) };
}

function helperFunction(fn: MathFunction, width: MathWidth): WatFunction {
  const L = width === 'f32' ? F32 : F32X4;
  const body = fn === 'exp' ? expBody(L) : fn === 'log' ? logBody(L) : fn === 'tanh' ? tanhBody(L, width) : signBody(L);
  const name = mathHelperName(fn, width);
  const text = [
    `  (func $${name} (param $x ${L.floatType}) (result ${L.floatType})`,
    ...body.locals.map((l) => `    ${l}`),
    ...body.statements.map((s) => `    ${s}`),
    `    ${body.result})`,
  ].join('\n');
  return { name, text };
}

const ALL_FUNCTIONS: readonly MathFunction[] = ['exp', 'log', 'tanh', 'sign'];
const ALL_WIDTHS: readonly MathWidth[] = ['f32', 'f32x4'];
const HELPERS = new Map<string, WatFunction>(
  ALL_FUNCTIONS.flatMap((fn) => ALL_WIDTHS.map((w) => helperFunction(fn, w))).map((f) => [f.name, f]),
);

/** Every helper definition, e.g. to test them directly. */
export function allMathHelpers(): readonly WatFunction[] {
  return [...HELPERS.values()];
}

/** The helper definitions that `functions` call (transitively), each once. */
export function mathHelpersFor(functions: readonly WatFunction[]): WatFunction[] {
  const needed = new Map<string, WatFunction>();
  const pending = [...functions];
  while (pending.length > 0) {
    const f = pending.pop() as WatFunction;
    for (const match of f.text.matchAll(/\(call \$(nnc_[a-z]+_f32(?:x4)?)[\s)]/g)) {
      const helper = HELPERS.get(match[1]);
      if (helper && !needed.has(helper.name)) {
        needed.set(helper.name, helper);
        pending.push(helper);
      }
    }
  }
  return [...needed.values()];
}

/** `functions` plus the helpers they need, ready for `moduleText`. */
export function withMathHelpers(functions: readonly WatFunction[]): WatFunction[] {
  const own = new Set(functions.map((f) => f.name));
  return [...functions, ...mathHelpersFor(functions).filter((h) => !own.has(h.name))];
}
