// A fed tensor. Its type is declared when the graph is built (GraphBuilder.input) and its
// value comes from the feeds; the interpreter and checker handle sources themselves.

import type { Attrs } from '../ir/types';
import type { OpDef } from './op';
import { fail } from './util/check';

export function declaredSource(op: 'input' | 'param'): OpDef {
  const label = (attrs: Attrs): string => `${op} '${String(attrs.name ?? '?')}'`;
  return {
    name: op,
    kind: 'source',
    arity: 0,
    inferType: (_inputs, attrs) => fail(op, `${label(attrs)} has a declared type; it is not inferred`),
    evaluate: (_inputs, attrs) => { throw new Error(`no value fed for ${label(attrs)}`); },
  };
}

export const input = declaredSource('input');
