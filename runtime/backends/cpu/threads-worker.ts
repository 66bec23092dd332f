// The worker side of the thread pool, as JavaScript source run with `eval: true`: no
// file to resolve at run time (tsx, dist and tests alike) and no TypeScript helpers
// leak into it. Control words (Int32Array over a SharedArrayBuffer):
//   [0] generation: bumped by the main thread to start a run
//   [1] command: index of the export to run, -1 to exit
//   [2] done: workers finished with the current run
//   [3] failed: tid+1 of the first failing thread, 0 if none
//   [4] message length in bytes, the UTF-8 message from byte MESSAGE_AT on
//   [5] ready: workers that have started (or failed to start, with [3] set)
// On failure a worker also sets the barrier abort flag (abortAddress in the wasm
// memory, if any) so that threads waiting in a barrier trap instead of hanging.

export const CONTROL = { generation: 0, command: 1, done: 2, failed: 3, messageLength: 4, ready: 5 } as const;
export const MESSAGE_AT = 64;
export const MESSAGE_BYTES = 1024;
export const CONTROL_BYTES = MESSAGE_AT + MESSAGE_BYTES;

export interface WorkerData {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: SharedArrayBuffer;
  readonly tid: number;
  readonly threads: number;
  readonly names: readonly string[];
  /** Byte address of an i32 abort flag in the wasm memory, or -1. */
  readonly abortAddress: number;
}

export const WORKER_SOURCE = `
'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, tid, threads, names, abortAddress } = workerData;
const ctl = new Int32Array(control);
const bytes = new Uint8Array(control);
const heap = new Int32Array(memory.buffer);

function fail(error) {
  if (Atomics.compareExchange(ctl, ${CONTROL.failed}, 0, tid + 1) === 0) {
    const text = 'thread ' + tid + ': ' + (error && error.message ? error.message : String(error));
    const written = new TextEncoder().encodeInto(text, bytes.subarray(${MESSAGE_AT}, ${MESSAGE_AT + MESSAGE_BYTES})).written;
    Atomics.store(ctl, ${CONTROL.messageLength}, written);
  }
  if (abortAddress >= 0) Atomics.store(heap, abortAddress >> 2, 1);
}

// The main thread may be blocked in Atomics.wait on the ready count (a pool made
// synchronously), so a failure to instantiate is reported through the control words too.
let fns = null;
try {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  fns = names.map((n) => instance.exports[n]);
} catch (error) {
  fail(error);
}
Atomics.add(ctl, ${CONTROL.ready}, 1);
Atomics.notify(ctl, ${CONTROL.ready});
parentPort.postMessage('ready');

function serve(fns) {
  let generation = 0;
  for (;;) {
    Atomics.wait(ctl, ${CONTROL.generation}, generation);
    const now = Atomics.load(ctl, ${CONTROL.generation});
    if (now === generation) continue;
    generation = now;
    const command = Atomics.load(ctl, ${CONTROL.command});
    if (command < 0) return;
    try {
      fns[command](tid, threads);
    } catch (error) {
      fail(error);
    }
    if (Atomics.add(ctl, ${CONTROL.done}, 1) === threads - 2) Atomics.notify(ctl, ${CONTROL.done});
  }
}
if (fns !== null) serve(fns);
`;
