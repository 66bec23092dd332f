// Runs one compiled CPU program: its WebAssembly module over its own shared memory, on one
// thread (calling the exports directly) or on a worker pool, and its host steps through the
// HostOps the engine was given. Dropout masks are drawn by the program's first kernel from
// the state this sets to Rng(seed) (the sequence the reference interpreter draws, so both
// see the same masks).

import type { CpuProgram, HostNode, Slot } from '../../../format/manifest';
import { Rng } from '../../../format/rng';
import { jumpState } from '../../../format/rng-jump';
import type { HostOps } from './host-ops';
import { sharedMemory, type KernelPool, type PoolProvider } from './pool';

type Segment = (tid: number, nth: number) => void;

export interface RunnerOptions {
  /** Threads to run the segments on; 1 calls the exports on the calling thread. */
  readonly threads: number;
  /** Required when the program has host steps. */
  readonly hostOps?: HostOps;
  /** Starts the threads of a program run on more than one (Node's worker_threads, or Web Workers). */
  readonly pools: PoolProvider;
}

export class ProgramRunner {
  /** Views by slot; the memory never grows (the plan is static), so they stay valid. */
  private readonly views = new Map<Slot, Float32Array>();

  private constructor(
    readonly program: CpuProgram,
    readonly memory: WebAssembly.Memory,
    private readonly segments: ReadonlyMap<string, Segment>,
    private readonly pool: KernelPool | null,
    private readonly hostOps: HostOps | undefined,
    private readonly threads: number,
  ) {}

  /** Instantiates `module` (the program's .wasm) over a new memory and fills the program's constants. */
  static create(program: CpuProgram, module: WebAssembly.Module, opts: RunnerOptions): ProgramRunner {
    const memory = sharedMemory(program.pages);
    const wanted = program.steps.flatMap((s) => (s.kind === 'wasm' ? [s.segment] : []));
    const segments = new Map<string, Segment>();
    let pool: KernelPool | null = null;
    if (opts.threads > 1) {
      pool = opts.pools.pool(module, memory, opts.threads, { abortAddress: program.abortAddress });
    } else {
      const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
      for (const name of wanted) {
        const fn = exports[name];
        if (typeof fn !== 'function') throw new Error(`${program.file}: the module has no exported function '${name}'`);
        segments.set(name, fn as Segment);
      }
    }
    const runner = new ProgramRunner(program, memory, segments, pool, opts.hostOps, opts.threads);
    for (const c of program.constants) runner.view(c.offset, c.count).fill(c.value);
    return runner;
  }

  dispose(): void {
    this.pool?.dispose();
  }

  view(offset: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, count);
  }

  slotView(slot: Slot): Float32Array {
    let v = this.views.get(slot);
    if (!v) {
      v = this.view(slot.offset, slot.shape.reduce((a, b) => a * b, 1));
      this.views.set(slot, v);
    }
    return v;
  }

  input(name: string): Float32Array {
    return this.named(this.program.inputs, 'input', name);
  }

  output(name: string): Float32Array {
    return this.named(this.program.outputs, 'output', name);
  }

  param(name: string): Float32Array {
    return this.named(this.program.params, 'param', name);
  }

  private named(slots: { readonly [name: string]: Slot }, what: string, name: string): Float32Array {
    const s = Object.prototype.hasOwnProperty.call(slots, name) ? slots[name] : undefined;
    if (!s) throw new Error(`${this.program.file}: the program has no ${what} '${name}'`);
    return this.slotView(s);
  }

  writeF32(offset: number, value: number): void {
    new Float32Array(this.memory.buffer, offset, 1)[0] = value;
  }

  writeI32(offset: number, value: number): void {
    new Int32Array(this.memory.buffer, offset, 1)[0] = value;
  }

  /** Runs the whole program once. */
  run(seed: number): void {
    if (this.program.rngState >= 0) this.seedMasks(seed);
    for (const step of this.program.steps) {
      if (step.kind === 'host') this.runHost(step.node);
      else if (this.pool) this.pool.run(step.segment);
      else (this.segments.get(step.segment) as Segment)(0, 1);
    }
  }

  /** Each drawing thread's start: Rng(seed)'s state jumped to the first value of its slice. */
  private seedMasks(seed: number): void {
    const start = new Rng(seed).state();
    const drawers = Math.min(this.threads, this.program.rngStreams);
    for (let t = 0; t < drawers; t++) {
      const skip = Math.floor((this.program.rngDraws * t) / drawers);
      new Uint32Array(this.memory.buffer, this.program.rngState + 16 * t, 4).set(t === 0 ? start : jumpState(start, skip));
    }
  }

  private runHost(node: HostNode): void {
    if (!this.hostOps) throw new Error(`${this.program.file}: host step ${node.op} (%${node.id}) has no host ops to run it`);
    const inputs = node.inputs.map((s) => ({ shape: s.shape, data: this.slotView(s) }));
    const out = this.slotView(node.output);
    const result = this.hostOps(node, inputs, this.program.batch);
    if (result.length !== out.length) throw new Error(`${this.program.file}: host op ${node.op} (%${node.id}) returned ${result.length} values for shape [${node.output.shape}]`);
    out.set(result);
  }
}
