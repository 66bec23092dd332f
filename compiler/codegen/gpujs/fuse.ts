// Fusion for gpu.js, where a kernel has exactly one output: a pointwise value read by one
// pointwise consumer is inlined into that consumer's expression, and a kernel op (conv2d,
// matmul, pooling, ...) whose one consumer is pointwise over the same shape takes it as its
// epilogue (conv + bias, say). Values other kernels read stay materialised textures. The
// CPU plan's multi-output kernels and fused reductions need several outputs per kernel,
// which gpu.js does not have.

import { getOp } from '../../ops/index';
import { S, substitute, type ScalarExpr } from '../../ir/scalar';
import type { Graph, Node } from '../../ir/types';
import { bindShape, formatType, sameShape } from '../../ir/types';
import { consumers, outputIds } from '../../ir/graph';
import { assembleKernel, type GpuNodeKernel } from './kernel';
import { emitGpuKernel, gpuKernelRefusal } from './emit';
import { pointwiseEmitter } from './emit-pointwise';

/** One kernel of the fused gpu.js program: it computes `value` from `inputs` (value ids, in argument order). */
export interface GpuFusedStep {
  readonly value: number;
  /** Every node the kernel computes (the anchor, then the inlined pointwise nodes). */
  readonly nodes: readonly number[];
  readonly inputs: readonly number[];
  /** null: the op has no gpu.js kernel (see gpuKernelRefusal); the runtime computes it on the host. */
  readonly kernel: GpuNodeKernel | null;
}

const isPointwise = (n: Node): boolean => getOp(n.op).scalar !== undefined && getOp(n.op).kind !== 'source';

/** Expression of `id` over leaf values (argument k = leaves[k]), inlining single-use pointwise producers. */
function expressionOf(id: number, byId: Map<number, Node>, inlined: Set<number>, leaves: number[], members: number[]): ScalarExpr {
  const node = byId.get(id) as Node;
  members.push(id);
  const args = node.inputs.map((i) => {
    if (inlined.has(i)) return expressionOf(i, byId, inlined, leaves, members);
    let k = leaves.indexOf(i);
    if (k < 0) { leaves.push(i); k = leaves.length - 1; }
    return S.arg(k);
  });
  return substitute((getOp(node.op).scalar as (a: Node['attrs']) => ScalarExpr)(node.attrs), args);
}

export function planGpuKernels(graph: Graph, batch: number): GpuFusedStep[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const uses = consumers(graph);
  const outs = outputIds(graph);
  const single = (n: Node): Node | null => {
    const u = uses.get(n.id) ?? [];
    return u.length === 1 && !outs.has(n.id) ? (byId.get(u[0]) as Node) : null;
  };
  const inlined = new Set(graph.nodes.filter((n) => isPointwise(n) && single(n) !== null && isPointwise(single(n) as Node)).map((n) => n.id));
  const absorbed = new Map<number, number>(); // anchor id -> its pointwise consumer
  for (const n of graph.nodes) {
    const c = single(n);
    if (getOp(n.op).kind === 'source' || isPointwise(n) || getOp(n.op).aliasesInput || gpuKernelRefusal(n.op) !== null) continue;
    if (!c || !isPointwise(c) || inlined.has(c.id)) continue;
    if (sameShape(n.type.shape, c.type.shape)) absorbed.set(n.id, c.id);
  }
  const anchorOf = new Map([...absorbed].map(([a, c]) => [c, a]));
  const steps: GpuFusedStep[] = [];
  for (const node of graph.nodes) {
    if (getOp(node.op).kind === 'source' || inlined.has(node.id) || absorbed.has(node.id)) continue;
    if (!isPointwise(node)) {
      const kernel = gpuKernelRefusal(node.op) === null ? emitGpuKernel(node, node.inputs.map((i) => (byId.get(i) as Node).type), batch) : null;
      steps.push({ value: node.id, nodes: [node.id], inputs: node.inputs, kernel });
      continue;
    }
    const anchor = anchorOf.get(node.id);
    const leaves: number[] = anchor === undefined ? [] : [anchor];
    const members: number[] = [];
    const expr = expressionOf(node.id, byId, inlined, leaves, members);
    const shapeOf = (id: number): number[] => bindShape((byId.get(id) as Node).type.shape, batch);
    const ops = [...(anchor === undefined ? [] : [anchor]), ...[...members].reverse()].map((m) => (byId.get(m) as Node).op);
    const label = `%${node.id} = fused(${ops.join(', ')}) : ${formatType(node.type)}`;
    if (anchor !== undefined) {
      const a = byId.get(anchor) as Node;
      const kernel = emitGpuKernel(a, a.inputs.map((i) => (byId.get(i) as Node).type), batch, { expr, inputs: leaves.slice(1).map(shapeOf) });
      steps.push({ value: node.id, nodes: [anchor, ...members.reverse()], inputs: [...a.inputs, ...leaves.slice(1)], kernel: { ...kernel, label } });
      continue;
    }
    const kernel = assembleKernel({ label, out: shapeOf(node.id), inputs: leaves.map(shapeOf), attrs: {}, emit: pointwiseEmitter(() => expr) });
    steps.push({ value: node.id, nodes: members.reverse(), inputs: leaves, kernel });
  }
  return steps;
}
