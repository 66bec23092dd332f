// Small queries over a Graph shared by the passes.

import type { Graph, Node } from './types';

export function nodeMap(graph: Graph): Map<number, Node> {
  return new Map(graph.nodes.map((n) => [n.id, n]));
}

/** For each value, the ids of the nodes that read it (graph outputs not included). */
export function consumers(graph: Graph): Map<number, number[]> {
  const uses = new Map<number, number[]>();
  for (const n of graph.nodes) {
    for (const i of n.inputs) {
      const list = uses.get(i);
      if (list) list.push(n.id); else uses.set(i, [n.id]);
    }
  }
  return uses;
}

export function outputIds(graph: Graph): Set<number> {
  return new Set(Object.values(graph.outputs));
}

/**
 * A param the optimizer updates. The others (attribute trainable=false) are state: values a
 * training step replaces with its graph output `state:<name>` (batch norm's moving statistics).
 */
export function isTrainable(n: Node): boolean {
  return n.op === 'param' && n.attrs.trainable !== false;
}

export function isState(n: Node): boolean {
  return n.op === 'param' && n.attrs.trainable === false;
}

/** Nodes by op name, in graph order. */
export function nodesOf(graph: Graph, op: string): Node[] {
  return graph.nodes.filter((n) => n.op === op);
}

/** Removes nodes no output depends on (dead code), keeping order and ids. */
export function eliminateDeadCode(graph: Graph): Graph {
  const live = new Set<number>(Object.values(graph.outputs));
  const byId = nodeMap(graph);
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k];
    if (!live.has(n.id)) continue;
    for (const i of n.inputs) live.add(i);
  }
  for (const id of live) if (!byId.has(id)) throw new Error(`output refers to missing value %${id}`);
  return { nodes: graph.nodes.filter((n) => live.has(n.id)), outputs: graph.outputs };
}
