// A pool of worker threads that all run the same export of one wasm module over one
// shared memory, each as its own thread id: run('step') calls step(tid, nth) on every
// thread (the calling thread is tid 0) and returns when all are done. Synchronous for
// the caller (Atomics.wait on the main thread is allowed in Node) and allocation-free
// per call, so a training step costs one wake-up of each worker.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CONTROL, CONTROL_BYTES, MESSAGE_AT, WORKER_SOURCE, type WorkerData } from './threads-worker';

type Kernel = (tid: number, nth: number) => void;

export interface ThreadPoolOptions {
  /**
   * Byte address of the barrier abort flag in the wasm memory (see barrierAbortAddress):
   * set when a thread fails, so threads waiting in a barrier trap instead of hanging.
   */
  readonly abortAddress?: number;
}

export class ThreadPool {
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
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`thread pool: thread count must be a positive integer, got ${threads}`);
    if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error('thread pool: the wasm memory must be shared');
    const abortAddress = options.abortAddress ?? -1;
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const names = Object.keys(instance.exports).filter((k) => typeof instance.exports[k] === 'function');
    const kernels = names.map((n) => instance.exports[n] as Kernel);
    const controlBuffer = new SharedArrayBuffer(CONTROL_BYTES);
    const workers: Worker[] = [];
    try {
      for (let tid = 1; tid < threads; tid++) {
        const workerData: WorkerData = { module, memory, control: controlBuffer, tid, threads, names, abortAddress };
        workers.push(new Worker(WORKER_SOURCE, { eval: true, workerData }));
      }
      await Promise.all(workers.map((w, i) => new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', (e: Error) => reject(new Error(`thread pool: worker ${i + 1} failed to start: ${e.message}`)));
      })));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    for (const w of workers) w.unref();
    return new ThreadPool(threads, workers, new Int32Array(controlBuffer), kernels,
      new Map(names.map((n, i) => [n, i])), new Int32Array(memory.buffer), abortAddress);
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
