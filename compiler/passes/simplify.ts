// simplify: Graph -> Graph. Folds elementwise ops on scalar constants, merges identical
// nodes (CSE: gradient rules emit many equal constants and recompute forward values such
// as softmax), and drops dead code. Ids are kept; outputs are redirected to survivors.

import { getOp } from '../ops/index';
import { evalScalar } from '../ir/scalar';
import type { AttrValue, Graph, Node } from '../ir/types';
import { eliminateDeadCode } from '../ir/graph';

function isScalarConstant(n: Node | undefined): n is Node {
  return n !== undefined && n.op === 'constant' && n.type.shape.length === 0;
}

/** An elementwise op whose inputs are all scalar constants becomes a constant. */
function fold(node: Node, byId: Map<number, Node>): Node {
  const def = getOp(node.op);
  if (!def.scalar || def.random || node.inputs.length === 0 || node.type.shape.length !== 0) return node;
  const inputs = node.inputs.map((i) => byId.get(i));
  if (!inputs.every(isScalarConstant)) return node;
  const value = evalScalar(def.scalar(node.attrs), inputs.map((n) => Number((n as Node).attrs.value)));
  return { id: node.id, op: 'constant', inputs: [], attrs: { value, shape: [] }, type: node.type };
}

function key(n: Node): string {
  return `${n.op}(${n.inputs.join(',')})${stableJson(n.attrs)}:${n.type.dtype}[${n.type.shape.join(',')}]`;
}

function stableJson(v: AttrValue): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const obj = v as { readonly [k: string]: AttrValue };
  return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`).join(',')}}`;
}

export function simplify(graph: Graph): Graph {
  const byId = new Map<number, Node>();
  const replaced = new Map<number, number>();
  const seen = new Map<string, number>();
  const nodes: Node[] = [];
  for (const original of graph.nodes) {
    const inputs = original.inputs.map((i) => replaced.get(i) ?? i);
    const node = fold({ ...original, inputs }, byId);
    const mergeable = !getOp(node.op).random && node.op !== 'input' && node.op !== 'param';
    const k = mergeable ? key(node) : '';
    const twin = mergeable ? seen.get(k) : undefined;
    if (twin !== undefined) { replaced.set(node.id, twin); continue; }
    if (mergeable) seen.set(k, node.id);
    byId.set(node.id, node);
    nodes.push(node);
  }
  const outputs: Record<string, number> = {};
  for (const [name, id] of Object.entries(graph.outputs)) outputs[name] = replaced.get(id) ?? id;
  return eliminateDeadCode({ nodes, outputs });
}
