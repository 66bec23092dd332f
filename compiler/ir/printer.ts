// The IR's text form: one line per node, `%id = op(%in, ...) key=value ... : type`, then
// the outputs. Attribute values: numbers, true/false/null, bare words for simple strings,
// "quoted" strings otherwise, [lists], {key: value} maps, and `kind(key=value, ...)` for
// objects with a `kind` field (initializers, regularizers, constraints).

import type { AttrValue, Graph, Node } from './types';
import { formatType } from './types';

const BARE = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
const RESERVED = new Set(['true', 'false', 'null']);

export function printValue(v: AttrValue): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return BARE.test(v) && !RESERVED.has(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(printValue).join(',')}]`;
  const obj = v as { readonly [k: string]: AttrValue };
  const kind = obj.kind;
  if (typeof kind === 'string' && BARE.test(kind) && !RESERVED.has(kind)) {
    const rest = Object.entries(obj).filter(([k]) => k !== 'kind').map(([k, x]) => `${k}=${printValue(x)}`);
    return `${kind}(${rest.join(', ')})`;
  }
  return `{${Object.entries(obj).map(([k, x]) => `${BARE.test(k) ? k : JSON.stringify(k)}: ${printValue(x)}`).join(', ')}}`;
}

export function printNode(n: Node): string {
  const args = n.inputs.length > 0 ? `(${n.inputs.map((i) => `%${i}`).join(', ')})` : '';
  const attrs = Object.entries(n.attrs).map(([k, v]) => ` ${k}=${printValue(v)}`).join('');
  return `%${n.id} = ${n.op}${args}${attrs} : ${formatType(n.type)}`;
}

export function printGraph(g: Graph): string {
  const lines = g.nodes.map(printNode);
  const outs = Object.entries(g.outputs).map(([k, id]) => `${BARE.test(k) ? k : JSON.stringify(k)}=%${id}`);
  lines.push(`outputs ${outs.join(' ')}`);
  return lines.join('\n') + '\n';
}
