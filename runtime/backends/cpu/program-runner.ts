// Runs one CpuProgram: its wasm module over its own memory, JS steps for opaque nodes without
// a WAT rule. Dropout masks are drawn by the program's first kernel from the state this
// sets to Rng(seed) (the sequence the reference interpreter draws, so both see the same masks).

import type { CpuProgram, ValueSlot } from '../../../compiler/codegen/cpu/program';
import { assembleWatSync, sharedMemory } from '../../../compiler/codegen/cpu/wat/module';
import { getOp } from '../../../compiler/ops/index';
import { tensor } from '../../../compiler/ir/tensor';
import type { Node } from '../../../compiler/ir/types';
import { Rng } from '../../../format/rng';
import { ThreadPool } from './threads';

type KernelFn = (tid: number, nth: number) => void;

export class ProgramRunner {
  private readonly views = new Map<number, Float32Array>();

  private constructor(
    readonly program: CpuProgram,
    readonly memory: WebAssembly.Memory,
    private readonly segments: Map<string, KernelFn>,
    private readonly nodes: Map<number, Node>,
    private readonly pool: ThreadPool | null,
  ) {}

  /** Runs the program's wasm segments on `program.threads` threads (worker_threads over the shared memory). */
  static async createThreaded(program: CpuProgram): Promise<ProgramRunner> {
    if (program.threads <= 1) return ProgramRunner.create(program);
    const memory = sharedMemory(program.pages);
    const module = new WebAssembly.Module(assembleWatSync(program.wat));
    const pool = await ThreadPool.create(module, memory, program.threads, { abortAddress: program.abortAddress });
    return ProgramRunner.assemble(program, memory, new Map(), pool);
  }

  /** Synchronous (after `loadAssembler()`), so an engine can compile a new batch size mid-epoch. */
  static create(program: CpuProgram): ProgramRunner {
    const bytes = assembleWatSync(program.wat);
    const memory = sharedMemory(program.pages);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    const segments = new Map<string, KernelFn>();
    for (const s of program.steps) if (s.kind === 'wasm') segments.set(s.segment, instance.exports[s.segment] as KernelFn);
    return ProgramRunner.assemble(program, memory, segments, null);
  }

  private static assemble(program: CpuProgram, memory: WebAssembly.Memory, segments: Map<string, KernelFn>, pool: ThreadPool | null): ProgramRunner {
    const nodes = new Map(program.graph.nodes.map((n) => [n.id, n]));
    const runner = new ProgramRunner(program, memory, segments, nodes, pool);
    for (const c of program.constants) runner.view(c.offset, c.count).fill(c.value);
    return runner;
  }

  dispose(): void {
    this.pool?.dispose();
  }

  view(offset: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, count);
  }

  slot(id: number): ValueSlot {
    const s = this.program.slots.get(id);
    if (!s) throw new Error(`value %${id} has no buffer`);
    return s;
  }

  /** A view of value `id` in memory; cached, since the memory never grows (the plan is static). */
  valueView(id: number): Float32Array {
    let v = this.views.get(id);
    if (!v) {
      const s = this.slot(id);
      v = this.view(s.offset, s.shape.reduce((a, b) => a * b, 1));
      this.views.set(id, v);
    }
    return v;
  }

  inputId(name: string): number {
    return this.idOf('input', name);
  }

  paramId(name: string): number {
    return this.idOf('param', name);
  }

  private idOf(op: string, name: string): number {
    const n = this.program.graph.nodes.find((x) => x.op === op && x.attrs.name === name);
    if (!n) throw new Error(`the program has no ${op} '${name}'`);
    return n.id;
  }

  writeF32(offset: number, value: number): void {
    new Float32Array(this.memory.buffer, offset, 1)[0] = value;
  }

  writeI32(offset: number, value: number): void {
    new Int32Array(this.memory.buffer, offset, 1)[0] = value;
  }

  /** Runs the whole program once. */
  run(seed: number): void {
    if (this.program.rngState >= 0) new Uint32Array(this.memory.buffer, this.program.rngState, 4).set(new Rng(seed).state());
    for (const step of this.program.steps) {
      if (step.kind === 'wasm') {
        if (this.pool) this.pool.run(step.segment);
        else (this.segments.get(step.segment) as KernelFn)(0, 1);
      }
      else if (step.kind === 'js') this.runOpaque(step.node);
    }
  }

  /** Small opaque nodes (softmax, the loss head) run their float64 reference on the values in memory. */
  private runOpaque(id: number): void {
    const node = this.nodes.get(id) as Node;
    const inputs = node.inputs.map((i) => tensor(this.slot(i).shape, this.valueView(i)));
    const out = getOp(node.op).evaluate(inputs, node.attrs, { outShape: this.slot(id).shape, batch: this.program.batch, random: () => 0 });
    this.valueView(id).set(out.data);
  }
}
