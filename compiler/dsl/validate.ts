// Runtime validation of DSL options: each parser checks one value and returns it
// normalised, or throws a DslError naming the function, the property and the value.

import { DslError, describeValue, formatPath, type Path, type PathKey } from './errors';

/** Where a value sits: the DSL function being called and the path inside its argument. */
export interface Ctx {
  readonly fn: string;
  readonly path: Path;
  /** What to call the argument itself when `path` is empty (e.g. 'value'). */
  readonly label?: string;
}

export type Parser<T> = (value: unknown, ctx: Ctx) => T;

export function at(ctx: Ctx, key: PathKey): Ctx {
  return { fn: ctx.fn, path: [...ctx.path, key] };
}

function subject(ctx: Ctx): string {
  if (ctx.path.length === 0) return ctx.label ?? 'the argument';
  return `'${formatPath(ctx.path)}'`;
}

export function fail(ctx: Ctx, expected: string, value: unknown): never {
  throw new DslError(`${ctx.fn}: ${subject(ctx)} must be ${expected}, got ${describeValue(value)}`, ctx.path);
}

export function failWith(ctx: Ctx, problem: string): never {
  throw new DslError(`${ctx.fn}: ${subject(ctx)} ${problem}`, ctx.path);
}

export const positiveInt: Parser<number> = (v, ctx) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : fail(ctx, 'a positive integer', v);

export const nonNegativeInt: Parser<number> = (v, ctx) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail(ctx, 'a non-negative integer', v);

export const finiteNumber: Parser<number> = (v, ctx) =>
  typeof v === 'number' && Number.isFinite(v) ? v : fail(ctx, 'a finite number', v);

export const bool: Parser<boolean> = (v, ctx) => (typeof v === 'boolean' ? v : fail(ctx, 'true or false', v));

/** A number in an interval; `open` marks the ends that are excluded. */
export function numberIn(lo: number, hi: number, open: { lo?: boolean; hi?: boolean } = {}): Parser<number> {
  const text = `a number in ${open.lo ? '(' : '['}${lo}, ${hi === Infinity ? 'Infinity' : hi}${open.hi ? ')' : ']'}`;
  return (v, ctx) => {
    if (typeof v !== 'number' || Number.isNaN(v) || !Number.isFinite(v)) return fail(ctx, text, v);
    const aboveLo = open.lo ? v > lo : v >= lo;
    const belowHi = open.hi ? v < hi : v <= hi;
    return aboveLo && belowHi ? v : fail(ctx, text, v);
  };
}

export function oneOf<T extends string>(choices: readonly T[]): Parser<T> {
  const text = `one of ${choices.map((c) => `'${c}'`).join(', ')}`;
  return (v, ctx) => (typeof v === 'string' && (choices as readonly string[]).includes(v) ? (v as T) : fail(ctx, text, v));
}

/** `3` or `[3, 5]`, as Keras accepts for kernel sizes, strides and pool sizes. */
export const intPair: Parser<readonly [number, number]> = (v, ctx) => {
  if (typeof v === 'number') {
    const n = positiveInt(v, ctx);
    return [n, n];
  }
  if (!Array.isArray(v) || v.length !== 2) return fail(ctx, 'a positive integer or a pair [height, width]', v);
  return [positiveInt(v[0], at(ctx, 0)), positiveInt(v[1], at(ctx, 1))];
};

/** One axis or a list of axes, returned sorted; duplicates are an error. */
export function axisList(element: Parser<number>): Parser<readonly number[]> {
  return (v, ctx) => {
    if (typeof v === 'number') return [element(v, ctx)];
    if (!Array.isArray(v)) return fail(ctx, 'an axis or an array of axes', v);
    const axes = v.map((a: unknown, i) => element(a, at(ctx, i)));
    const seen = new Set<number>();
    axes.forEach((a, i) => {
      if (seen.has(a)) failWith(at(ctx, i), `repeats axis ${a}`);
      seen.add(a);
    });
    return [...axes].sort((a, b) => a - b);
  };
}

const LAYER_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Layer names end up in parameter names (`conv1.kernel`), so they stay identifier-like. */
export const layerName: Parser<string | null> = (v, ctx) => {
  if (v === null) return null;
  if (typeof v === 'string' && LAYER_NAME.test(v)) return v;
  return fail(ctx, 'null or a name of letters, digits, _ and - (not starting with a digit or -)', v);
};
