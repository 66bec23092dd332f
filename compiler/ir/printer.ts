// The IR's text form: one line per node, `%id = op(%in, ...) key=value ... : type`, then
// the outputs. Attribute values: numbers, true/false/null, bare words for simple strings,
// "quoted" strings otherwise, [lists], {key: value} maps, and `kind(key=value, ...)` for
// objects with a `kind` field (initializers, regularizers, constraints).

import type { AttrValue, Graph, Node } from './types';
import { formatType } from './types';

const BARE = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
/** Keys of `{key: value}` maps: no ':' (it ends the key), nothing the parser would read past. */
const MAP_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['true', 'false', 'null']);

const quoteUnlessBare = (k: string): string => (BARE.test(k) ? k : JSON.stringify(k));

export function printValue(v: AttrValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return BARE.test(v) && !RESERVED.has(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(printValue).join(',')}]`;
  const obj = v as { readonly [k: string]: AttrValue };
  const kind = obj.kind;
  const fields = Object.entries(obj).filter(([k]) => k !== 'kind');
  if (typeof kind === 'string' && BARE.test(kind) && !RESERVED.has(kind) && fields.every(([k]) => BARE.test(k))) {
    return `${kind}(${fields.map(([k, x]) => `${k}=${printValue(x)}`).join(', ')})`;
  }
  return `{${Object.entries(obj).map(([k, x]) => `${MAP_KEY.test(k) ? k : JSON.stringify(k)}: ${printValue(x)}`).join(', ')}}`;
}

export function printNode(n: Node): string {
  const args = n.inputs.length > 0 ? `(${n.inputs.map((i) => `%${i}`).join(', ')})` : '';
  const attrs = Object.entries(n.attrs).map(([k, v]) => ` ${quoteUnlessBare(k)}=${printValue(v)}`).join('');
  return `%${n.id} = ${n.op}${args}${attrs} : ${formatType(n.type)}`;
}

export function printGraph(g: Graph): string {
  const lines = g.nodes.map(printNode);
  const outs = Object.entries(g.outputs).map(([k, id]) => `${quoteUnlessBare(k)}=%${id}`);
  lines.push(`outputs ${outs.join(' ')}`);
  return lines.join('\n') + '\n';
}
