// The `--emit fused` listing: each kernel with the nodes it swallowed, then every fusion
// refused and why.

import type { Node } from '../ir/types';
import { formatType } from '../ir/types';
import type { Fusion } from './fuse';

function describe(n: Node): string {
  const name = n.op === 'param' || n.op === 'input' ? ` ${String(n.attrs.name)}` : '';
  return `%${n.id} ${n.op}${name}`;
}

export function printFusion(title: string, f: Fusion): string {
  const byId = new Map(f.graph.nodes.map((n) => [n.id, n]));
  const lines: string[] = [`# ${title}: ${f.kernels.filter((k) => k.kind !== 'source' && k.kind !== 'alias').length} kernels`];
  f.kernels.forEach((k, i) => {
    if (k.kind === 'source') return;
    const members = k.nodes.map((id) => describe(byId.get(id) as Node)).join(', ');
    const outs = k.outputs.map((id) => `%${id}: ${formatType((byId.get(id) as Node).type)}`).join(', ');
    const space = k.space ? ` over [${k.space.join(',')}]` : '';
    lines.push(`k${i} ${k.kind}${space}: ${members}`);
    lines.push(`    reads ${k.inputs.map((id) => `%${id}`).join(', ') || 'nothing'}; writes ${outs}`);
  });
  if (f.refusals.length > 0) {
    lines.push('# refused fusions');
    for (const r of f.refusals) {
      lines.push(`${describe(byId.get(r.node) as Node)} -> ${describe(byId.get(r.consumer) as Node)}: ${r.reason}`);
    }
  }
  return lines.join('\n') + '\n';
}

