// Renders a ScalarExpr in gpu.js's JavaScript subset (it becomes GLSL): Math.* calls,
// ternaries, comparisons as 1/0. Arguments are identifiers the caller chose; constants are
// numbers the compiler made. Nothing else can reach the source text.

import type { ScalarBinary, ScalarExpr, ScalarUnary } from '../../ir/scalar';

/** GLSL has no infinity literal; the largest float32 stands in for it (it saturates alike). */
const FLOAT32_MAX = '3.4028234663852886e38';

/** A number literal gpu.js parses to the same float32 value; negatives are parenthesised. */
export function renderNumber(value: number): string {
  if (Number.isNaN(value)) throw new Error('gpu.js codegen: cannot render NaN as a constant');
  if (value === Infinity) return FLOAT32_MAX;
  if (value === -Infinity) return `(-${FLOAT32_MAX})`;
  const text = String(value);
  return value < 0 ? `(${text})` : text;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Guards the one way text enters the source: argument names must be plain identifiers. */
export function checkIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`gpu.js codegen: '${name}' is not an identifier`);
  return name;
}

function renderUnary(op: ScalarUnary, x: string): string {
  switch (op) {
    case 'neg': return `(-${x})`;
    case 'exp': return `Math.exp(${x})`;
    case 'log': return `Math.log(${x})`;
    // gpu.js's tanh is (e-1)/(e+1) with e = exp(2x): NaN once exp overflows (x > 44).
    // This form saturates to +-1 instead and reads x once; near 0 it is exact to an
    // absolute error of about 1e-7 in float32 (below 3e-8 it gives 0).
    case 'tanh': return `(1 - 2 / (Math.exp(2 * ${x}) + 1))`;
    case 'abs': return `Math.abs(${x})`;
    case 'sqrt': return `Math.sqrt(${x})`;
    case 'sign': return `Math.sign(${x})`;
  }
}

const INFIX: Partial<Record<ScalarBinary, string>> = { add: '+', sub: '-', mul: '*', div: '/' };
const COMPARE: Partial<Record<ScalarBinary, string>> = { gt: '>', ge: '>=', lt: '<', le: '<=', eq: '===' };

function renderBinary(op: ScalarBinary, a: string, b: string): string {
  const infix = INFIX[op];
  if (infix) return `(${a} ${infix} ${b})`;
  const compare = COMPARE[op];
  if (compare) return `(${a} ${compare} ${b} ? 1 : 0)`;
  return op === 'max' ? `Math.max(${a}, ${b})` : `Math.min(${a}, ${b})`;
}

/** The expression as gpu.js source; `args[i]` is the identifier (or expression) of argument i. */
export function renderScalarGpu(expr: ScalarExpr, args: readonly string[]): string {
  switch (expr.kind) {
    case 'arg': {
      const name = args[expr.index];
      if (name === undefined) throw new Error(`gpu.js codegen: scalar expression reads argument ${expr.index} of ${args.length}`);
      return name;
    }
    case 'const': return renderNumber(expr.value);
    case 'unary': return renderUnary(expr.op, renderScalarGpu(expr.x, args));
    case 'binary': return renderBinary(expr.op, renderScalarGpu(expr.a, args), renderScalarGpu(expr.b, args));
    case 'select':
      return `(${renderScalarGpu(expr.cond, args)} !== 0 ? ${renderScalarGpu(expr.then, args)} : ${renderScalarGpu(expr.else, args)})`;
  }
}
