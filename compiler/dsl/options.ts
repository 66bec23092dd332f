// Reading a DSL call's options object: unknown keys are errors (with a suggestion),
// `undefined` counts as absent, required options must be present.

import { DslError, formatPath } from './errors';
import { closest } from './suggest';
import { at, fail, type Ctx, type Parser } from './validate';

export interface Options {
  readonly ctx: Ctx;
  readonly values: Readonly<Record<string, unknown>>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Validates that `raw` is an options object holding only `keys`; absent (undefined) means `{}`. */
export function readOptions(raw: unknown, ctx: Ctx, keys: readonly string[]): Options {
  if (raw === undefined) return { ctx, values: {} };
  if (!isPlainObject(raw)) return fail(ctx, 'an options object', raw);
  for (const key of Object.keys(raw)) {
    if (keys.includes(key)) continue;
    const near = closest(key, keys);
    const hint = near === null ? ` (options: ${keys.join(', ')})` : ` (did you mean '${near}'?)`;
    const where = formatPath([...ctx.path, key]);
    throw new DslError(`${ctx.fn}: unknown option '${where}'${hint}`, [...ctx.path, key]);
  }
  return { ctx, values: raw };
}

function own(options: Options, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(options.values, key) ? options.values[key] : undefined;
}

export function required<T>(options: Options, key: string, parse: Parser<T>): T {
  const value = own(options, key);
  if (value === undefined) {
    const path = [...options.ctx.path, key];
    throw new DslError(`${options.ctx.fn}: missing required option '${formatPath(path)}'`, path);
  }
  return parse(value, at(options.ctx, key));
}

export function optional<T>(options: Options, key: string, parse: Parser<T>, fallback: T): T {
  const value = own(options, key);
  return value === undefined ? fallback : parse(value, at(options.ctx, key));
}
