// The `--emit plan` listing: the CPU schedule (wasm segments, JS steps) and every
// buffer with its offset and size, and the peak memory.

import type { CpuProgram } from './program';
import type { Node } from '../../ir/types';

export function printPlan(title: string, p: CpuProgram): string {
  const byId = new Map(p.graph.nodes.map((n) => [n.id, n]));
  const mib = (b: number): string => `${(b / 1048576).toFixed(2)} MiB`;
  const lines = [`# ${title}, batch ${p.batch}: ${p.steps.length} steps`];
  p.steps.forEach((s, i) => {
    if (s.kind === 'wasm') lines.push(`step ${i}: wasm ${s.segment} = ${s.kernels.join(' | ')}`);
    else lines.push(`step ${i}: js %${s.node} ${(byId.get(s.node) as Node).op}`);
  });
  lines.push('# buffers (byte offset, bytes, value)');
  const rows = [...p.slots].sort((a, b) => a[1].offset - b[1].offset);
  for (const [id, s] of rows) {
    const n = byId.get(id) as Node;
    const name = n.op === 'param' || n.op === 'input' ? ` ${String(n.attrs.name)}` : '';
    lines.push(`${String(s.offset).padStart(10)} ${String(4 * s.shape.reduce((a, b) => a * b, 1)).padStart(9)}  %${id} ${n.op}${name} [${s.shape.join(',')}]`);
  }
  lines.push(`# pinned ${mib(p.memory.pinnedBytes)}, peak live ${mib(p.memory.peakLiveBytes)}, memory ${mib(p.memory.totalBytes)} (${p.pages} pages)`);
  return lines.join('\n') + '\n';
}
