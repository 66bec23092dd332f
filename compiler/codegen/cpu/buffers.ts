// The buffers a CPU program needs: every value a kernel reads or writes across kernels, with
// the kernel index range it lives over (for the memory planner to share space), pinned
// values (inputs, params, constants, outputs) first, and each kernel's scratch; aliases
// (reshapes) share their input's buffer.

import type { Node } from '../../ir/types';
import { shapeSize } from '../../ir/types';
import type { Fusion, FusedKernel } from '../../passes/fuse';
import type { BufferRequest } from '../../passes/memory';
import { valueKey } from './update-regions';

export interface PendingKernel {
  readonly index: number;
  readonly kernel: FusedKernel;
  readonly scratch: number;
}

export function bufferRequests(fusion: Fusion, shapeOf: (id: number) => number[], scratchBytes: (k: FusedKernel) => number): { requests: BufferRequest[]; aliasOf: Map<number, number>; pending: PendingKernel[] } {
  const graph = fusion.graph;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const aliasOf = new Map<number, number>();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const pinned = new Set<number>(Object.values(graph.outputs));
  const pending: PendingKernel[] = [];
  const requests: BufferRequest[] = [];
  fusion.kernels.forEach((k, index) => {
    for (const id of k.nodes) {
      const n = byId.get(id) as Node;
      if (k.kind === 'alias') aliasOf.set(id, aliasOf.get(n.inputs[0]) ?? n.inputs[0]);
      if (n.op === 'input' || n.op === 'param' || n.op === 'constant') pinned.add(id);
    }
    const root = (id: number): number => aliasOf.get(id) ?? id;
    // Masks are drawn before the first kernel runs (in graph order, as the reference draws
    // them), so their buffers are live from the start of the step.
    const drawnEarly = (id: number): boolean => (byId.get(id) as Node).op === 'dropoutMask';
    for (const id of k.outputs) if (!first.has(root(id))) first.set(root(id), drawnEarly(id) ? 0 : index);
    for (const id of k.inputs) last.set(root(id), index);
    for (const id of k.outputs) if (!last.has(root(id))) last.set(root(id), index);
    const scratch = scratchBytes(k);
    if (scratch > 0) requests.push({ key: `scratch${index}`, bytes: scratch, first: index, last: index });
    pending.push({ index, kernel: k, scratch });
  });
  for (const id of Object.values(graph.outputs)) pinned.add(aliasOf.get(id) ?? id);
  // Pinned first, in graph order (params stay contiguous, then grads as the outputs list them).
  const pinnedOrder = [...graph.nodes.map((n) => n.id).filter((id) => pinned.has(id) && !aliasOf.has(id))];
  for (const id of pinnedOrder) requests.push({ key: valueKey(id), bytes: 4 * shapeSize(shapeOf(id)), first: 0, last: 0, pinned: true });
  for (const [id, f] of first) {
    if (pinned.has(id) || aliasOf.has(id)) continue;
    requests.push({ key: valueKey(id), bytes: 4 * shapeSize(shapeOf(id)), first: f, last: last.get(id) ?? f });
  }
  return { requests, aliasOf, pending };
}
