// The CPU half of a compiled model: one fused graph at one batch size as a WebAssembly module
// and the plain-JSON description the runtime needs to run it (where inputs, outputs and params
// lie, the segments and host steps in order, constants, the optimizer's regions).
//
// The program is built for more than one thread, so the module always has its barriers and
// every kernel splits its work by (tid, nth) at run time. The split never changes a result:
// reductions sum in fixed shards and every output element is computed by one thread, and a
// barrier with nth = 1 passes at once. So the one module runs on any thread count, bit for bit.

import type { Graph, Node } from '../ir/types';
import type { Fusion } from '../passes/fuse';
import { buildCpuProgram, type CpuProgram as SourceProgram, type UpdateLayout, type ValueSlot } from '../codegen/cpu/program';
import { assembleWatSync } from '../codegen/cpu/wat/module';
import { contractMultiplyAdds } from '../codegen/cpu/wat/fma';
import type { CpuProgram, CpuStep, CpuUpdateLayout, HostNode, ProgramMode, Slot } from '../../format/manifest';
import type { OptimizerSpec } from '../../format/spec';

/** Any count above 1 emits the barriers; the kernels read the real count at run time. */
const THREADS = 2;

export interface GeneratedCpuProgram {
  readonly program: CpuProgram;
  readonly wasm: Uint8Array;
  /** The same module with its multiply-adds contracted (relaxed SIMD), or null when it has none. */
  readonly fmaWasm: Uint8Array | null;
  /** The compiler's program (WAT, memory plan, graph), for --emit and the tests. */
  readonly source: SourceProgram;
}

export function generateCpuProgram(fused: Fusion, mode: ProgramMode, batch: number, optimizer: OptimizerSpec | null, file: string): GeneratedCpuProgram {
  const source = buildCpuProgram(fused, batch, THREADS, mode === 'train' ? optimizer : null);
  if (source.abortAddress < 0) throw new Error(`cpu program ${file}: built without barriers`);
  const wasm = assembleWatSync(source.wat, file);
  const contracted = contractMultiplyAdds(source.wat);
  const fmaFile = contracted.count > 0 ? fmaFileName(file) : null;
  const fmaWasm = fmaFile === null ? null : assembleWatSync(contracted.text, fmaFile);
  const graph = source.graph;
  const slotOf = (id: number, what: string): Slot => {
    const s = source.slots.get(id);
    if (!s) throw new Error(`cpu program ${file}: ${what} (%${id}) has no buffer`);
    return plainSlot(s);
  };
  const named = (op: string): { [name: string]: Slot } => Object.fromEntries(
    graph.nodes.filter((n) => n.op === op).map((n) => [String(n.attrs.name), slotOf(n.id, `${op} ${String(n.attrs.name)}`)]));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const steps = source.steps.map((s): CpuStep => (s.kind === 'wasm'
    ? { kind: 'wasm', segment: s.segment }
    : { kind: 'host', node: hostNode(byId.get(s.node) as Node, (id) => slotOf(id, `host step value`)) }));
  const program: CpuProgram = {
    mode,
    batch,
    file,
    fmaFile,
    pages: source.pages,
    abortAddress: source.abortAddress,
    rngState: source.rngState,
    rngStreams: source.rngStreams,
    rngDraws: source.rngDraws,
    steps,
    inputs: named('input'),
    outputs: outputSlots(graph, (id, name) => slotOf(id, `output ${name}`)),
    params: named('param'),
    constants: source.constants.map((c) => ({ offset: c.offset, count: c.count, value: c.value })),
    update: source.update ? plainUpdate(source.update) : null,
  };
  return { program, wasm, fmaWasm, source };
}

/** `cpu/train-250.wasm` -> `cpu/train-250.fma.wasm`. */
function fmaFileName(file: string): string {
  return file.endsWith('.wasm') ? `${file.slice(0, -'.wasm'.length)}.fma.wasm` : `${file}.fma`;
}

function plainSlot(s: ValueSlot): Slot {
  return { offset: s.offset, shape: [...s.shape] };
}

function outputSlots(graph: Graph, slotOf: (id: number, name: string) => Slot): { [name: string]: Slot } {
  return Object.fromEntries(Object.entries(graph.outputs).map(([name, id]) => [name, slotOf(id, name)]));
}

/** An op without a WAT form: the runtime evaluates it on the values in memory. */
function hostNode(node: Node, slotOf: (id: number) => Slot): HostNode {
  return { id: node.id, op: node.op, attrs: node.attrs, inputs: node.inputs.map(slotOf), output: slotOf(node.id) };
}

function plainUpdate(u: UpdateLayout): CpuUpdateLayout {
  return {
    count: u.count,
    params: u.params,
    grads: u.grads,
    slots: Object.fromEntries(u.slots),
    lrSlot: u.lrSlot,
    stepSlot: u.stepSlot,
    paramOffsets: [...u.paramOffsets],
  };
}
