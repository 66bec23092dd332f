// Typed option parsing on top of node:util parseArgs, with one-line UsageErrors.

import { parseArgs } from 'node:util';
import { UsageError } from './command';
import { escapeText } from './escape';

export type OptionSpec = { readonly type: 'string' | 'boolean'; readonly multiple?: boolean; readonly short?: string };

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | boolean[] | undefined>>;
  readonly positionals: readonly string[];
}

export function parseCommandArgs(args: readonly string[], options: Readonly<Record<string, OptionSpec>>): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

export function stringOption(p: ParsedArgs, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * An integer option, e.g. --epochs: decimal digits only (no 1e2, 0x2, 2.0, +2 or spaces, which
 * Number() would take), within [min, max]; names the option, the range and the value when wrong.
 */
export function intOption(p: ParsedArgs, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = stringOption(p, name);
  return v === undefined ? undefined : parseIntStrict(v, `--${name}`, opts);
}

/** `value` as an integer in [min, max] (default 1 .. 2^53-1), or a UsageError naming `what`. */
export function parseIntStrict(value: string, what: string, opts: { min?: number; max?: number } = {}): number {
  const min = opts.min ?? 1;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  const n = /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
  if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
  const range = opts.max === undefined && (Number.isNaN(n) || n < min) ? `>= ${min}` : `from ${min} to ${max}`;
  throw new UsageError(`${what} must be an integer ${range}, got '${escapeText(value)}'`);
}

export function onePositional(p: ParsedArgs, what: string): string {
  if (p.positionals.length !== 1) throw new UsageError(`expected one ${what}, got ${p.positionals.length === 0 ? 'none' : p.positionals.join(' ')}`);
  return p.positionals[0];
}
