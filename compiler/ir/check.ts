// Shape inference as a checking pass: every node's type must be what its op's rule says,
// ids unique, inputs defined before use. Passes run this on what they produce in tests.

import { getOp } from '../ops/index';
import type { Graph, TensorType } from './types';
import { formatType, sameShape } from './types';

export function checkGraph(graph: Graph): void {
  const types = new Map<number, TensorType>();
  for (const n of graph.nodes) {
    if (types.has(n.id)) throw new Error(`%${n.id} is defined twice`);
    for (const i of n.inputs) if (!types.has(i)) throw new Error(`%${n.id} = ${n.op} uses %${i} before it is defined`);
    if (n.op !== 'input' && n.op !== 'param') {
      const def = getOp(n.op);
      if (n.inputs.length !== def.arity) throw new Error(`%${n.id} = ${n.op}: ${n.inputs.length} inputs, the op takes ${def.arity}`);
      const t = def.inferType(n.inputs.map((i) => types.get(i) as TensorType), n.attrs);
      if (t.dtype !== n.type.dtype || !sameShape(t.shape, n.type.shape)) {
        throw new Error(`%${n.id} = ${n.op}: declared ${formatType(n.type)}, the shape rule gives ${formatType(t)}`);
      }
    }
    types.set(n.id, n.type);
  }
  for (const [name, id] of Object.entries(graph.outputs)) if (!types.has(id)) throw new Error(`output ${name} refers to missing %${id}`);
}
