// Typed option parsing on top of node:util parseArgs, with one-line UsageErrors.

import { parseArgs } from 'node:util';
import { UsageError } from './command';

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

/** A positive integer option, e.g. --epochs; names the option and value when wrong. */
export function intOption(p: ParsedArgs, name: string, opts: { min?: number } = {}): number | undefined {
  const v = stringOption(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  const min = opts.min ?? 1;
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${v}'`);
  return n;
}

export function onePositional(p: ParsedArgs, what: string): string {
  if (p.positionals.length !== 1) throw new UsageError(`expected one ${what}, got ${p.positionals.length === 0 ? 'none' : p.positionals.join(' ')}`);
  return p.positionals[0];
}
