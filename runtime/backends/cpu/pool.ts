// What a CPU program needs to run on several threads, whatever starts them: Node's
// worker_threads (threads.ts) or a browser's Web Workers (web-threads.ts). A program's
// runner asks its PoolProvider for a pool once, synchronously, when the program is first
// used; run() is synchronous too (the caller is thread 0 and blocks until the others finish).

/** Runs one export of one wasm module on every thread, over one shared memory. */
export interface KernelPool {
  readonly threads: number;
  /** Calls export `name`(tid, threads) on every thread; returns when all have returned. */
  run(name: string): void;
  dispose(): void;
}

export interface PoolOptions {
  /**
   * Byte address of the barrier abort flag in the wasm memory (see barrierAbortAddress):
   * set when a thread fails, so threads waiting in a barrier trap instead of hanging.
   */
  readonly abortAddress?: number;
}

/** Makes the pools of one engine's programs; disposed with the engine. */
export interface PoolProvider {
  pool(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number, options: PoolOptions): KernelPool;
  dispose(): void;
}

/** The memory every CPU program runs over: shared (other threads see it), never grown. */
export function sharedMemory(pages: number): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

export function checkThreadCount(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`thread pool: thread count must be a positive integer, got ${threads}`);
}
