// A browser engine's threads: one team of Web Workers shared by all of its CPU programs
// (threads - 1 workers; the engine's own thread is tid 0). A page's main thread cannot
// block, and a worker a thread starts cannot start while that thread blocks, so the team is
// started asynchronously (WebWorkerTeam.start) before the engine's first step; attaching a
// program and running it are then synchronous, with Atomics.wait, which the engine's thread
// may do only when it is itself a worker (the page runs the engine in one: web/).
// Only one program runs at a time (an engine is single-threaded), so one set of control
// words serves the team (web-threads-worker.ts has their layout).

import { checkThreadCount, type KernelPool, type PoolOptions, type PoolProvider } from './pool';
import { DETACH, EXIT, MESSAGE_AT, TEAM, TEAM_CONTROL_BYTES, TEAM_WORKER_SOURCE, type TeamAttach, type TeamInit } from './web-threads-worker';

type Kernel = (tid: number, nth: number) => void;

/** The part of the Web Worker API the team uses (the runtime is typed without the DOM library). */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
}
type WorkerConstructor = new (url: string) => WebWorker;

/** How long attaching a program may take (instantiating a module is milliseconds). */
const ATTACH_TIMEOUT_MS = 60_000;

function workerClass(): WorkerConstructor {
  const w = (globalThis as { Worker?: WorkerConstructor }).Worker;
  if (!w) throw new Error('thread pool: this context has no Web Workers (a worker can start workers in Chromium, Firefox and Safari 15.5+)');
  return w;
}

function workerUrl(): string {
  const g = globalThis as unknown as { Blob: new (parts: string[], o: { type: string }) => unknown; URL: { createObjectURL(b: unknown): string } };
  return g.URL.createObjectURL(new g.Blob([TEAM_WORKER_SOURCE], { type: 'text/javascript' }));
}

export class WebWorkerTeam implements PoolProvider {
  private readonly control: Int32Array;
  private serving = false;
  private broken: string | null = null;
  private disposed = false;
  private programs = 0;

  private constructor(readonly threads: number, private readonly workers: readonly WebWorker[], control: SharedArrayBuffer) {
    this.control = new Int32Array(control);
  }

  /** Starts threads - 1 workers and waits until each has loaded. Needs cross-origin isolation (shared memory). */
  static async start(threads: number): Promise<WebWorkerTeam> {
    checkThreadCount(threads);
    const Sab = (globalThis as { SharedArrayBuffer?: SharedArrayBufferConstructor }).SharedArrayBuffer;
    if (!Sab) throw new Error('thread pool: no SharedArrayBuffer here (the page is not cross-origin isolated: serve it with COOP/COEP headers, e.g. nnc serve)');
    const control = new Sab(TEAM_CONTROL_BYTES);
    const url = threads > 1 ? workerUrl() : '';
    const Worker = workerClass();
    const workers: WebWorker[] = [];
    try {
      const started: Promise<void>[] = [];
      for (let tid = 1; tid < threads; tid++) {
        const w = new Worker(url);
        workers.push(w);
        started.push(new Promise<void>((resolve, reject) => {
          w.onmessage = () => resolve();
          w.onerror = (e) => reject(new Error(`thread pool: worker ${tid} failed to start: ${e.message ?? 'unknown error'}`));
        }));
        const init: TeamInit = { kind: 'init', control, tid, threads };
        w.postMessage(init);
      }
      await Promise.all(started);
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    for (const w of workers) { w.onmessage = null; w.onerror = null; }
    return new WebWorkerTeam(threads, workers, control);
  }

  /** Attaches a program (instantiates it on every worker); its pool runs on this team's threads. */
  pool(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number, options: PoolOptions): KernelPool {
    this.usable();
    if (threads !== this.threads) throw new Error(`thread pool: a program asked for ${threads} threads; this engine's team has ${this.threads}`);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const names = Object.keys(instance.exports).filter((k) => typeof instance.exports[k] === 'function');
    const abortAddress = options.abortAddress ?? -1;
    if (this.serving) this.command(DETACH, 0);
    const ctl = this.control;
    Atomics.store(ctl, TEAM.ready, 0);
    const attach: TeamAttach = { kind: 'attach', module, memory, names, abortAddress };
    for (const w of this.workers) w.postMessage(attach);
    this.waitFor(TEAM.ready, this.workers.length, ATTACH_TIMEOUT_MS, 'attach a program');
    this.serving = true;
    this.checkFailed('attach');
    const program = this.programs++;
    const kernels = names.map((n) => instance.exports[n] as Kernel);
    const index = new Map(names.map((n, i) => [n, i]));
    const heap = new Int32Array(memory.buffer);
    return {
      threads: this.threads,
      run: (name) => this.run(program, index, kernels, name, heap, abortAddress),
      // The team outlives its programs: the engine disposes it, and with it every program.
      dispose: () => undefined,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.serving) {
      Atomics.store(this.control, TEAM.command, EXIT);
      Atomics.add(this.control, TEAM.generation, 1);
      Atomics.notify(this.control, TEAM.generation);
    }
    for (const w of this.workers) w.terminate();
  }

  private run(program: number, index: ReadonlyMap<string, number>, kernels: readonly Kernel[], name: string, heap: Int32Array, abortAddress: number): void {
    this.usable();
    const command = index.get(name);
    if (command === undefined) throw new Error(`thread pool: the module has no exported function '${name}'`);
    this.start(command, program);
    try {
      kernels[command](0, this.threads);
    } catch (e) {
      this.failOnMain(e, heap, abortAddress);
    }
    this.waitFor(TEAM.done, this.workers.length, Infinity, name);
    this.checkFailed(name);
  }

  /** Runs a control command on every worker and waits for all of them. */
  private command(command: number, program: number): void {
    this.start(command, program);
    this.waitFor(TEAM.done, this.workers.length, ATTACH_TIMEOUT_MS, 'detach');
  }

  private start(command: number, program: number): void {
    const ctl = this.control;
    Atomics.store(ctl, TEAM.done, 0);
    Atomics.store(ctl, TEAM.program, program);
    Atomics.store(ctl, TEAM.command, command);
    Atomics.add(ctl, TEAM.generation, 1);
    Atomics.notify(ctl, TEAM.generation);
  }

  /** Blocks until control word `at` reaches `count` (Atomics.wait: the calling thread must be a worker). */
  private waitFor(at: number, count: number, timeoutMs: number, what: string): void {
    const deadline = Date.now() + timeoutMs;
    for (let now = Atomics.load(this.control, at); now < count; now = Atomics.load(this.control, at)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.broken = `${count - now} of ${count} workers did not ${what} within ${timeoutMs / 1000} s`;
        throw new Error(`thread pool: ${this.broken}`);
      }
      Atomics.wait(this.control, at, now, Math.min(left, 1e9));
    }
  }

  private checkFailed(what: string): void {
    if (Atomics.load(this.control, TEAM.failed) === 0) return;
    this.broken = this.message();
    throw new Error(`thread pool: ${what} failed on ${this.broken}`);
  }

  private failOnMain(e: unknown, heap: Int32Array, abortAddress: number): void {
    if (Atomics.compareExchange(this.control, TEAM.failed, 0, 1) === 0) {
      const text = `thread 0: ${e instanceof Error ? e.message : String(e)}`;
      const bytes = new Uint8Array(this.control.buffer, MESSAGE_AT);
      Atomics.store(this.control, TEAM.messageLength, new TextEncoder().encodeInto(text, bytes).written);
    }
    if (abortAddress >= 0) Atomics.store(heap, abortAddress >> 2, 1);
  }

  private message(): string {
    const length = Atomics.load(this.control, TEAM.messageLength);
    // Copy out of the shared buffer: TextDecoder refuses shared views.
    return new TextDecoder().decode(new Uint8Array(this.control.buffer, MESSAGE_AT, length).slice());
  }

  private usable(): void {
    if (this.disposed) throw new Error('thread pool: used after dispose()');
    if (this.broken !== null) throw new Error(`thread pool: unusable after an earlier failure (${this.broken})`);
  }
}
