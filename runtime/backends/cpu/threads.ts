// A pool of worker threads that all run the same export of one wasm module over one
// shared memory, each as its own thread id: run('step') calls step(tid, nth) on every
// thread (the calling thread is tid 0) and returns when all are done. Synchronous for
// the caller (Atomics.wait on the main thread is allowed in Node) and allocation-free
// per call, so a training step costs one wake-up of each worker.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkThreadCount, sharedMemory, type KernelPool, type PoolOptions, type PoolProvider } from './pool';
import { CONTROL, CONTROL_BYTES, MESSAGE_AT, WORKER_SOURCE, type WorkerData } from './threads-worker';

export { sharedMemory };
export type ThreadPoolOptions = PoolOptions;

type Kernel = (tid: number, nth: number) => void;

/** How long a synchronous start waits for the workers (each starts in well under a second). */
const START_TIMEOUT_MS = 60_000;

interface Spawned {
  readonly threads: number;
  readonly workers: readonly Worker[];
  readonly control: SharedArrayBuffer;
  readonly names: readonly string[];
  readonly kernels: readonly Kernel[];
  readonly heap: Int32Array;
  readonly abortAddress: number;
}

/** Each program gets a pool of its own workers, started synchronously when it is first used. */
export const nodePools: PoolProvider = {
  pool: (module, memory, threads, options) => ThreadPool.createSync(module, memory, threads, options),
  dispose: () => undefined,
};

export class ThreadPool implements KernelPool {
  private broken: string | null = null;
  private disposed = false;

  private constructor(
    readonly threads: number,
    private readonly workers: readonly Worker[],
    private readonly control: Int32Array,
    private readonly kernels: readonly Kernel[],
    private readonly index: ReadonlyMap<string, number>,
    private readonly heap: Int32Array,
    private readonly abortAddress: number,
  ) {}

  /** Instantiates `module` on `threads` threads (default: the machine's parallelism). */
  static async create(module: WebAssembly.Module, memory: WebAssembly.Memory, threads = availableParallelism(), options: ThreadPoolOptions = {}): Promise<ThreadPool> {
    const s = ThreadPool.spawn(module, memory, threads, options);
    try {
      await Promise.all(s.workers.map((w, i) => new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', (e: Error) => reject(new Error(`thread pool: worker ${i + 1} failed to start: ${e.message}`)));
      })));
    } catch (e) {
      await Promise.all(s.workers.map((w) => w.terminate()));
      throw e;
    }
    return ThreadPool.started(s);
  }

  /**
   * As create, blocking until the workers are up (Atomics.wait on the main thread is allowed
   * in Node), so an engine can start a program's pool the first time a call needs it.
   */
  static createSync(module: WebAssembly.Module, memory: WebAssembly.Memory, threads = availableParallelism(), options: ThreadPoolOptions = {}): ThreadPool {
    const s = ThreadPool.spawn(module, memory, threads, options);
    const ctl = new Int32Array(s.control);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let ready = Atomics.load(ctl, CONTROL.ready); ready < threads - 1; ready = Atomics.load(ctl, CONTROL.ready)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        for (const w of s.workers) void w.terminate();
        throw new Error(`thread pool: ${threads - 1 - ready} of ${threads - 1} workers did not start within ${START_TIMEOUT_MS / 1000} s`);
      }
      Atomics.wait(ctl, CONTROL.ready, ready, left);
    }
    return ThreadPool.started(s);
  }

  private static spawn(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number, options: ThreadPoolOptions): Spawned {
    checkThreadCount(threads);
    if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('thread pool: the wasm memory must be shared');
    const abortAddress = options.abortAddress ?? -1;
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const names = Object.keys(instance.exports).filter((k) => typeof instance.exports[k] === 'function');
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const workers: Worker[] = [];
    for (let tid = 1; tid < threads; tid++) {
      const workerData: WorkerData = { module, memory, control, tid, threads, names, abortAddress };
      workers.push(new Worker(WORKER_SOURCE, { eval: true, workerData }));
    }
    return { threads, workers, control, names, kernels: names.map((n) => instance.exports[n] as Kernel), heap: new Int32Array(memory.buffer), abortAddress };
  }

  /** The pool over started workers; throws (stopping them) if one failed to instantiate the module. */
  private static started(s: Spawned): ThreadPool {
    const pool = new ThreadPool(s.threads, s.workers, new Int32Array(s.control), s.kernels, new Map(s.names.map((n, i) => [n, i])), s.heap, s.abortAddress);
    if (Atomics.load(pool.control, CONTROL.failed) !== 0) {
      const message = pool.message();
      pool.dispose();
      throw new Error(`thread pool: a worker failed to start: ${message}`);
    }
    for (const w of s.workers) w.unref();
    return pool;
  }

  /** Runs export `name`(tid, threads) on every thread; returns when all have returned. */
  run(name: string): void {
    if (this.disposed) throw new Error('thread pool: run() after dispose()');
    if (this.broken !== null) throw new Error(`thread pool: unusable after an earlier failure (${this.broken})`);
    const command = this.index.get(name);
    if (command === undefined) throw new Error(`thread pool: the module has no exported function '${name}'`);
    const ctl = this.control;
    Atomics.store(ctl, CONTROL.done, 0);
    Atomics.store(ctl, CONTROL.command, command);
    Atomics.add(ctl, CONTROL.generation, 1);
    Atomics.notify(ctl, CONTROL.generation);
    try {
      this.kernels[command](0, this.threads);
    } catch (e) {
      this.failOnMain(e);
    }
    const others = this.threads - 1;
    for (let done = Atomics.load(ctl, CONTROL.done); done !== others; done = Atomics.load(ctl, CONTROL.done)) {
      Atomics.wait(ctl, CONTROL.done, done);
    }
    if (Atomics.load(ctl, CONTROL.failed) !== 0) {
      this.broken = this.message();
      throw new Error(`thread pool: ${name} failed on ${this.broken}`);
    }
  }

  private failOnMain(e: unknown): void {
    if (Atomics.compareExchange(this.control, CONTROL.failed, 0, 1) === 0) {
      const text = `thread 0: ${e instanceof Error ? e.message : String(e)}`;
      const bytes = new Uint8Array(this.control.buffer, MESSAGE_AT);
      Atomics.store(this.control, CONTROL.messageLength, new TextEncoder().encodeInto(text, bytes).written);
    }
    if (this.abortAddress >= 0) Atomics.store(this.heap, this.abortAddress >> 2, 1);
  }

  private message(): string {
    const length = Atomics.load(this.control, CONTROL.messageLength);
    // Copy out of the shared buffer: TextDecoder refuses shared views.
    return new TextDecoder().decode(new Uint8Array(this.control.buffer, MESSAGE_AT, length).slice());
  }

  /** Stops the workers. The pool cannot run afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.control, CONTROL.command, -1);
    Atomics.add(this.control, CONTROL.generation, 1);
    Atomics.notify(this.control, CONTROL.generation);
    for (const w of this.workers) void w.terminate();
  }
}
