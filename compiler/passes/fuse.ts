// fuse: Graph -> Fusion. Groups nodes into kernels by op kind, as TVM's pattern levels do:
//  - elementwise/broadcast producers fuse into the loop of their consumers (same iteration
//    space), and a value other kernels also need is stored as an extra kernel output;
//  - a contraction or window op takes the loop that consumes it as its epilogue (unless its
//    OpDef says takesEpilogue: false);
//  - sumTo reductions root loops, so a gradient's elementwise chain and the reductions it
//    feeds run in one pass (PReLU backward: dx, dalpha and dbias together);
//  - sibling loops over the same space that read the same values merge.
// Every fusion not made between a producer and its consumer is recorded with the reason.

import { getOp } from '../ops/index';
import type { OpKind } from '../ops/op';
import type { Graph, Node, Shape } from '../ir/types';
import { consumers, outputIds } from '../ir/graph';
import { sameShape } from '../ir/types';
import { rowAddressSymbolic } from './layout';

export type KernelKind = 'source' | 'alias' | 'anchor' | 'loop' | 'opaque';

export interface FusedKernel {
  readonly kind: KernelKind;
  /** The contraction/window node of an anchor kernel. */
  readonly anchor: number | null;
  /** Member nodes in topological order. */
  readonly nodes: readonly number[];
  /** Values read from other kernels. */
  readonly inputs: readonly number[];
  /** Member values other kernels or the graph's outputs need (materialised). */
  readonly outputs: readonly number[];
  /** The loop's iteration shape (anchor: the anchor's output; loop: its elementwise space). */
  readonly space: Shape | null;
}

export interface FusionRefusal {
  readonly node: number;
  readonly consumer: number;
  readonly reason: string;
}

export interface Fusion {
  readonly graph: Graph;
  /** In a valid execution order. */
  readonly kernels: readonly FusedKernel[];
  readonly refusals: readonly FusionRefusal[];
}

interface Group {
  kind: KernelKind;
  anchor: number | null;
  nodes: Set<number>;
  space: Shape | null;
  reduces: boolean;
}

const LOOP_KINDS: ReadonlySet<OpKind> = new Set(['elementwise', 'broadcast']);

function kernelKindOf(node: Node, byId: Map<number, Node>): KernelKind {
  const kind = getOp(node.op).kind;
  if (kind === 'source') return 'source';
  if (getOp(node.op).aliasesInput) return 'alias';
  if (kind === 'contraction' || kind === 'window') return 'anchor';
  if (LOOP_KINDS.has(kind)) return addressable(node, byId) ? 'loop' : 'opaque';
  if (isLoopReduction(node, byId)) return 'loop';
  return 'opaque';
}

/** An elementwise node whose every input a row loop over its output can address. */
function addressable(node: Node, byId: Map<number, Node>): boolean {
  return node.inputs.every((i) => rowAddressSymbolic((byId.get(i) as Node).type.shape, node.type.shape) !== null);
}

/** sumTo whose target the row/column addressing can accumulate into. */
function isLoopReduction(node: Node, byId: Map<number, Node>): boolean {
  if (!getOp(node.op).sumsToShape) return false;
  const input = byId.get(node.inputs[0]) as Node;
  return rowAddressSymbolic(node.type.shape, input.type.shape) !== null;
}

export function fuse(graph: Graph): Fusion {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const pos = new Map(graph.nodes.map((n, k) => [n.id, k]));
  const uses = consumers(graph);
  const groupOf = new Map<number, Group>();
  const refusals: FusionRefusal[] = [];
  const ancestors = ancestorSets(graph);

  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const node = graph.nodes[k];
    const kind = kernelKindOf(node, byId);
    const users = uses.get(node.id) ?? [];
    let joined: Group | null = null;
    if (kind === 'loop' || kind === 'anchor') {
      const candidates = [...new Set(users.map((u) => groupOf.get(u) as Group))]
        .sort((a, b) => firstPos(a, pos) - firstPos(b, pos));
      for (const g of candidates) {
        const why = whyNot(node, kind, g, users, ancestors, byId);
        if (why === null) { joined = g; break; }
        refusals.push({ node: node.id, consumer: firstConsumerIn(users, g), reason: why });
      }
    }
    if (joined) {
      joined.nodes.add(node.id);
      if (kind === 'anchor') joined.anchor = node.id;
      if (kind === 'anchor') joined.kind = 'anchor';
      if (kind === 'anchor') refusalsDrop(refusals, node.id);
    } else {
      joined = newGroup(node, kind, byId);
    }
    groupOf.set(node.id, joined);
  }
  const groups = mergeSiblings([...new Set(groupOf.values())], graph, groupOf);
  const kernels = order(groups, graph, pos).map((g) => toKernel(g, graph, uses, pos));
  return { graph, kernels, refusals: dedupe(refusals, groupOf) };
}

function newGroup(node: Node, kind: KernelKind, byId: Map<number, Node>): Group {
  const reduces = kind === 'loop' && getOp(node.op).sumsToShape === true;
  const reducedShape = reduces ? (byId.get(node.inputs[0]) as Node).type.shape : node.type.shape;
  const space = kind === 'loop' || kind === 'anchor' ? reducedShape : null;
  return { kind, anchor: kind === 'anchor' ? node.id : null, nodes: new Set([node.id]), space, reduces };
}

/** Why `node` may not join consumer group `g` (null: it may). */
function whyNot(node: Node, kind: KernelKind, g: Group, users: readonly number[], anc: Map<number, Set<number>>, byId: Map<number, Node>): string | null {
  if (g.kind !== 'loop' && g.kind !== 'anchor') return `its consumer is ${g.kind === 'source' ? 'a' : 'an'} ${g.kind} kernel`;
  if (g.anchor !== null && users.includes(g.anchor)) return 'contraction/window kernels fuse the elementwise ops after them (epilogue), not before them';
  if (kind === 'anchor') {
    if (g.kind === 'anchor') return 'its consumer already has an anchor';
    if (g.reduces) return 'the consuming loop reduces (sumTo); reductions do not run in a contraction/window epilogue';
  }
  const space = g.space;
  if (space === null || !sameShape(space, node.type.shape)) return `its shape [${node.type.shape}] is not the loop's space [${space ?? '?'}]`;
  for (const i of node.inputs) {
    const t = (byId.get(i) as Node).type.shape;
    if (kind === 'loop' && rowAddressSymbolic(t, space) === null) return `input %${i} [${t}] cannot be addressed while iterating over [${space}]`;
  }
  for (const u of users) {
    if (g.nodes.has(u)) continue;
    for (const member of g.nodes) {
      if ((anc.get(member) as Set<number>).has(u)) return `another consumer %${u} runs before the kernel needs this value (fusing would form a cycle)`;
    }
  }
  // Last, so this refusal means the fusion was otherwise possible.
  if (kind === 'anchor' && getOp(node.op).takesEpilogue === false) return `${node.op} takes no epilogue: the loop over its output runs as a kernel of its own`;
  return null;
}

function firstPos(g: Group, pos: Map<number, number>): number {
  return Math.min(...[...g.nodes].map((id) => pos.get(id) as number));
}

function firstConsumerIn(users: readonly number[], g: Group): number {
  return users.find((u) => g.nodes.has(u)) ?? users[0];
}

function refusalsDrop(refusals: FusionRefusal[], node: number): void {
  for (let i = refusals.length - 1; i >= 0; i--) if (refusals[i].node === node) refusals.splice(i, 1);
}

/** For each node, every node it depends on (transitively). */
function ancestorSets(graph: Graph): Map<number, Set<number>> {
  const anc = new Map<number, Set<number>>();
  for (const n of graph.nodes) {
    const s = new Set<number>();
    for (const i of n.inputs) { s.add(i); for (const a of anc.get(i) as Set<number>) s.add(a); }
    anc.set(n.id, s);
  }
  return anc;
}

/**
 * Whether data flows from group `from` to group `to` through any chain of groups. Checked
 * on groups, not nodes: once a group holds unrelated nodes (after a merge), a path can
 * leave it from one member and come back into another group through a third.
 */
function reaches(from: Group, to: Group, groupOf: Map<number, Group>, uses: Map<number, number[]>): boolean {
  const seen = new Set<Group>([from]);
  const stack = [from];
  for (let g = stack.pop(); g !== undefined; g = stack.pop()) {
    for (const id of g.nodes) for (const u of uses.get(id) ?? []) {
      const h = groupOf.get(u) as Group;
      if (h === to) return true;
      if (!seen.has(h)) { seen.add(h); stack.push(h); }
    }
  }
  return false;
}

/** Loops over the same space that read a common value and do not depend on each other merge. */
function mergeSiblings(groups: Group[], graph: Graph, groupOf: Map<number, Group>): Group[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const uses = consumers(graph);
  const reads = (g: Group): Set<number> => new Set([...g.nodes].flatMap((id) => (byId.get(id) as Node).inputs).filter((i) => !g.nodes.has(i)));
  let merged = true;
  while (merged) {
    merged = false;
    const loops = groups.filter((g) => g.kind === 'loop');
    outer: for (let i = 0; i < loops.length; i++) {
      for (let j = i + 1; j < loops.length; j++) {
        const a = loops[i], b = loops[j];
        const sa = a.space, sb = b.space;
        if (!sa || !sb || !sameShape(sa, sb)) continue;
        const ra = reads(a);
        if (![...reads(b)].some((v) => ra.has(v))) continue;
        if (reaches(a, b, groupOf, uses) || reaches(b, a, groupOf, uses)) continue;
        for (const id of b.nodes) { a.nodes.add(id); groupOf.set(id, a); }
        a.reduces ||= b.reduces;
        groups.splice(groups.indexOf(b), 1);
        merged = true;
        break outer;
      }
    }
  }
  return groups;
}

/** Kernels in an order that respects every dependency, earliest work first. */
function order(groups: Group[], graph: Graph, pos: Map<number, number>): Group[] {
  const groupOfNode = new Map<number, Group>();
  for (const g of groups) for (const id of g.nodes) groupOfNode.set(id, g);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const deps = new Map<Group, Set<Group>>(groups.map((g) => [g, new Set<Group>()]));
  for (const g of groups) for (const id of g.nodes) for (const i of (byId.get(id) as Node).inputs) {
    const h = groupOfNode.get(i) as Group;
    if (h !== g) (deps.get(g) as Set<Group>).add(h);
  }
  const done = new Set<Group>();
  const result: Group[] = [];
  while (result.length < groups.length) {
    const ready = groups.filter((g) => !done.has(g) && [...(deps.get(g) as Set<Group>)].every((d) => done.has(d)));
    if (ready.length === 0) throw new Error('fusion produced a cycle between kernels');
    ready.sort((a, b) => firstPos(a, pos) - firstPos(b, pos));
    done.add(ready[0]);
    result.push(ready[0]);
  }
  return result;
}

function toKernel(g: Group, graph: Graph, uses: Map<number, number[]>, pos: Map<number, number>): FusedKernel {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const outs = outputIds(graph);
  const nodes = [...g.nodes].sort((a, b) => (pos.get(a) as number) - (pos.get(b) as number));
  const inputs = [...new Set(nodes.flatMap((id) => (byId.get(id) as Node).inputs).filter((i) => !g.nodes.has(i)))];
  const outputs = nodes.filter((id) => outs.has(id) || (uses.get(id) ?? []).some((u) => !g.nodes.has(u)));
  return { kind: g.kind, anchor: g.anchor, nodes, inputs, outputs, space: g.space };
}

function dedupe(refusals: FusionRefusal[], groupOf: Map<number, Group>): FusionRefusal[] {
  // A refusal stands only if the node really ended outside its consumer's kernel.
  const seen = new Set<string>();
  return refusals.filter((r) => {
    const k = `${r.node}:${r.consumer}`;
    if (seen.has(k) || groupOf.get(r.node) === groupOf.get(r.consumer)) return false;
    seen.add(k);
    return true;
  });
}
