// Weight initializers, named as Keras names them. The spec records only which one;
// drawing the values is the runtime's job.

import type { InitializerSpec } from './spec';
import { optional, readOptions, required } from './options';
import { fail, finiteNumber, type Parser } from './validate';

export type InitializerName = 'zeros' | 'ones' | 'glorotUniform' | 'glorotNormal' | 'heNormal' | 'heUniform';

const NAMES: readonly InitializerName[] = ['zeros', 'ones', 'glorotUniform', 'glorotNormal', 'heNormal', 'heUniform'];

export function zeros(): InitializerSpec {
  return { kind: 'zeros' };
}
export function ones(): InitializerSpec {
  return { kind: 'ones' };
}
export function constant(value: number): InitializerSpec {
  return { kind: 'constant', value: finiteNumber(value, { fn: 'constant', path: [], label: 'value' }) };
}
export function glorotUniform(): InitializerSpec {
  return { kind: 'glorotUniform' };
}
export function glorotNormal(): InitializerSpec {
  return { kind: 'glorotNormal' };
}
export function heNormal(): InitializerSpec {
  return { kind: 'heNormal' };
}
export function heUniform(): InitializerSpec {
  return { kind: 'heUniform' };
}

function isInitializerName(value: unknown): value is InitializerName {
  return typeof value === 'string' && (NAMES as readonly string[]).includes(value);
}

/** An initializer option: a spec object (as the functions above return) or, as in Keras, its name. */
export const initializer: Parser<InitializerSpec> = (value, ctx) => {
  if (isInitializerName(value)) return { kind: value };
  if (typeof value === 'string') return fail(ctx, `an initializer (${NAMES.map((n) => `'${n}'`).join(', ')} or constant(x))`, value);
  const options = readOptions(value, ctx, ['kind', 'value']);
  const kind = required(options, 'kind', (k, c) => (k === 'constant' || isInitializerName(k) ? k : fail(c, 'an initializer kind', k)));
  if (kind === 'constant') return { kind, value: required(options, 'value', finiteNumber) };
  optional(options, 'value', (v, c) => fail(c, `absent for a '${kind}' initializer`, v), undefined);
  return { kind };
};
