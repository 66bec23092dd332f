// Reverse-mode differentiation on the IR. The driver is generic: it walks the graph
// backwards and asks each op's rule (compiler/ops) for its inputs' gradients, emitted as
// ordinary IR, so the training graph goes through the same passes and codegen as any other.

import { GraphBuilder } from '../ir/builder';
import { getOp } from '../ops/index';
import type { Graph, Node } from '../ir/types';
import { isTrainable } from '../ir/graph';
import { sameShape, formatType } from '../ir/types';

/** A gradient was requested along a path that has none (an integer label, a comparison). */
export class GradientError extends Error {
  override name = 'GradientError';
}

/**
 * Returns `graph` plus the backward nodes, with an output `grad:<param name>` for every
 * differentiated param (or `grad:%<id>` for other values). `wrt` defaults to all trainable params.
 */
export function grad(graph: Graph, loss: number, wrt?: readonly number[]): Graph {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const lossNode = nodes.get(loss);
  if (!lossNode) throw new GradientError(`loss %${loss} is not in the graph`);
  if (lossNode.type.shape.length !== 0) throw new GradientError(`loss %${loss} must be a scalar, is ${formatType(lossNode.type)}`);
  const targets = wrt ?? graph.nodes.filter(isTrainable).map((n) => n.id);
  for (const t of targets) {
    const n = nodes.get(t);
    if (!n) throw new GradientError(`cannot differentiate with respect to %${t}: not in the graph`);
    if (n.type.dtype !== 'f32') throw new GradientError(`cannot differentiate with respect to %${t} (${n.op} ${String(n.attrs.name ?? '')}): it is ${n.type.dtype}`);
  }
  const relevant = relevantNodes(graph, targets, loss);
  const b = GraphBuilder.from(graph);
  const adjoints = new Map<number, number[]>();
  adjoints.set(loss, [b.emit('constant', [], { value: 1, shape: [] })]);
  const total = (id: number): number | undefined => {
    const parts = adjoints.get(id);
    if (!parts) return undefined;
    const sum = parts.reduce((acc, p) => b.emit('add', [acc, p]));
    adjoints.set(id, [sum]);
    return sum;
  };
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const node = graph.nodes[k];
    if (!relevant.has(node.id) || node.inputs.length === 0) continue;
    const dy = total(node.id);
    if (dy === undefined) continue;
    backpropagate(b, node, dy, relevant, adjoints);
  }
  for (const t of targets) {
    const node = nodes.get(t) as Node;
    const g = total(t) ?? b.emit('constant', [], { value: 0, shape: node.type.shape });
    b.output(node.op === 'param' ? `grad:${String(node.attrs.name)}` : `grad:%${t}`, g);
  }
  return b.build();
}

function backpropagate(b: GraphBuilder, node: Node, dy: number, relevant: Set<number>, adjoints: Map<number, number[]>): void {
  const def = getOp(node.op);
  if (!def.grad) throw new GradientError(`%${node.id} = ${node.op}(...) has no gradient rule, but a parameter's gradient flows through it`);
  const grads = def.grad({ b, node, dy });
  node.inputs.forEach((input, i) => {
    if (!relevant.has(input)) return;
    const g = grads[i];
    if (g === null || g === undefined) {
      throw new GradientError(`%${node.id} = ${node.op}(...) is not differentiable with respect to its input ${i} (%${input}), which a requested gradient flows through`);
    }
    const want = b.type(input).shape;
    const got = b.type(g).shape;
    if (!sameShape(want, got)) throw new Error(`gradient rule of ${node.op} gave [${got}] for input ${i} of shape [${want}]`);
    const list = adjoints.get(input);
    if (list) list.push(g); else adjoints.set(input, [g]);
  });
}

/** Nodes on some path from a target to the loss: the only ones whose adjoints matter. */
function relevantNodes(graph: Graph, targets: readonly number[], loss: number): Set<number> {
  const fromTargets = new Set<number>(targets);
  for (const n of graph.nodes) if (n.inputs.some((i) => fromTargets.has(i))) fromTargets.add(n.id);
  const toLoss = new Set<number>([loss]);
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k];
    if (toLoss.has(n.id)) for (const i of n.inputs) toLoss.add(i);
  }
  return new Set([...fromTargets].filter((id) => toLoss.has(id)));
}
