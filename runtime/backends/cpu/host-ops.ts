// Host steps: nodes a CPU program runs outside WebAssembly (an op with no WAT form, such as a
// softmax along an axis other than the last). The runtime has no implementation of the ops
// itself (they are the compiler's); whoever loads the model supplies one, as the CLI does
// from the compiler's float64 reference (testing/host-ops.ts).

import type { CpuProgram, HostNode, Json } from '../../../format/manifest';
import { EngineError } from '../../engine';

/** Computes a host node's output (row-major, the length of node.output's shape) from its inputs. */
export type HostOps = (node: HostNode, inputs: readonly { readonly shape: readonly number[]; readonly data: Float32Array }[], batch: number) => Float32Array;

/** `softmax (axis 1)`: the op and its plain attributes (numbers, strings, lists), as a reader would name the step. */
export function describeHostNode(node: HostNode): string {
  const attrs = Object.entries(node.attrs).filter(([, v]) => v === null || typeof v !== 'object' || Array.isArray(v)).map(([k, v]) => `${k} ${formatAttr(v)}`);
  return attrs.length === 0 ? node.op : `${node.op} (${attrs.join(', ')})`;
}

function formatAttr(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Throws EngineError naming the host steps of `programs` when there is no HostOps to run them. */
export function requireHostOps(programs: readonly CpuProgram[], hostOps: HostOps | undefined): void {
  if (hostOps) return;
  const ops = new Set<string>();
  for (const p of programs) for (const s of p.steps) if (s.kind === 'host') ops.add(describeHostNode(s.node));
  if (ops.size === 0) return;
  throw new EngineError(`this compiled model runs ${[...ops].join(', ')} on the host; load it through the nnc CLI, which supplies host ops`);
}
