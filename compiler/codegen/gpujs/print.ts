// `nnc build --emit gpu`: every node's gpu.js kernel as source text, or why it has none.
// Only ids, op names, types and generated source are printed; no user string (layer names
// live in param attributes) reaches this text.

import { planGpuKernels } from './fuse';
import { nodeMap } from '../../ir/graph';
import type { Graph, Node, TensorType } from '../../ir/types';
import { formatType } from '../../ir/types';
import { emitGpuKernel, gpuKernelRefusal } from './emit';

function inputTypes(byId: ReadonlyMap<number, Node>, node: Node): TensorType[] {
  return node.inputs.map((id) => {
    const input = byId.get(id);
    if (!input) throw new Error(`%${node.id} reads %${id}, which the graph does not define`);
    return input.type;
  });
}

function printNode(byId: ReadonlyMap<number, Node>, node: Node, batch: number): string {
  const header = `// %${node.id} = ${node.op}(${node.inputs.map((i) => `%${i}`).join(', ')}) : ${formatType(node.type)}`;
  const refusal = gpuKernelRefusal(node.op);
  if (refusal) return `${header}\n//   no kernel: ${refusal}`;
  const kernel = emitGpuKernel(node, inputTypes(byId, node), batch);
  if (kernel.kind === 'alias') return `${header}\n//   no kernel: the same data as %${node.inputs[kernel.input]}`;
  const args = kernel.args.map((a, i) => `${a.name} = %${node.inputs[i]} [${a.shape.join(',')}]`).join(', ');
  return `${header}\n//   ${args || 'no inputs'}; output [${kernel.output[0]}] = [${kernel.shape.join(',')}] row-major\n${kernel.source}`;
}

/** The gpu.js kernels of `graph` with the batch axis bound to `batch`, one per node. */
export function printGpuKernels(graph: Graph, batch: number): string {
  const byId = nodeMap(graph);
  const intro = `// gpu.js kernels, one per node, batch ${batch}. Each output is 1-D: thread.x is the\n`
    + '// row-major flat index of the element computed; inputs are read by flat index.\n';
  return `${intro}\n${graph.nodes.map((n) => printNode(byId, n, batch)).join('\n\n')}\n`;
}

/** The fused gpu.js program of `graph` (codegen/gpujs/fuse.ts): one kernel per materialised value. */
export function printFusedGpuKernels(graph: Graph, batch: number): string {
  const steps = planGpuKernels(graph, batch);
  const lines = [`// gpu.js kernels of the fused program, batch ${batch}: ${steps.filter((s) => s.kernel && s.kernel.kind === 'kernel').length} kernels for ${graph.nodes.length} nodes.`,
    '// Each output is 1-D: thread.x is the row-major flat index of the element computed.', ''];
  for (const s of steps) {
    const reads = s.inputs.map((i) => `%${i}`).join(', ');
    if (!s.kernel) { lines.push(`// %${s.value} computed on the host from ${reads}`, ''); continue; }
    if (s.kernel.kind === 'alias') { lines.push(`// %${s.value} = ${reads} (same data)`, ''); continue; }
    lines.push(`// ${s.kernel.label}  [nodes ${s.nodes.map((n) => `%${n}`).join(' ')}; reads ${reads}]`, s.kernel.source, '');
  }
  return lines.join('\n');
}
