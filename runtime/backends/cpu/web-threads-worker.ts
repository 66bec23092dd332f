// The Web Worker side of a browser engine's thread team (web-threads.ts), as JavaScript
// source the team starts from a Blob URL: no file to serve beside the page's bundle. A
// worker serves every program of one engine: each 'attach' message brings one program's
// module and shared memory; between attachments it blocks in Atomics.wait, as Node's
// workers do (threads-worker.ts), so a run costs one wake-up. Control words (Int32Array
// over a SharedArrayBuffer):
//   [0] generation: bumped by the engine's thread to start a command
//   [1] command: index of the export to run, EXIT to stop, DETACH to come back for a message
//   [2] done: workers finished with the current command
//   [3] failed: tid+1 of the first failing thread, 0 if none
//   [4] message length in bytes, the UTF-8 message from byte MESSAGE_AT on
//   [5] ready: workers that took the last attachment (or failed to, with [3] set)
//   [6] program: which attached program the command is for

import { CONTROL_BYTES, MESSAGE_AT, MESSAGE_BYTES } from './threads-worker';

export const TEAM = { generation: 0, command: 1, done: 2, failed: 3, messageLength: 4, ready: 5, program: 6 } as const;
export const TEAM_CONTROL_BYTES = CONTROL_BYTES;
export const EXIT = -1;
export const DETACH = -2;
export { MESSAGE_AT, MESSAGE_BYTES };

/** The first message a worker gets. */
export interface TeamInit {
  readonly kind: 'init';
  readonly control: SharedArrayBuffer;
  readonly tid: number;
  readonly threads: number;
}

/** One program joining the team. */
export interface TeamAttach {
  readonly kind: 'attach';
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly names: readonly string[];
  /** Byte address of an i32 abort flag in the program's memory, or -1. */
  readonly abortAddress: number;
}

export const TEAM_WORKER_SOURCE = `
'use strict';
let ctl = null, bytes = null, tid = 0, threads = 1, generation = 0;
const programs = [];

function fail(error, program) {
  if (Atomics.compareExchange(ctl, ${TEAM.failed}, 0, tid + 1) === 0) {
    const text = 'thread ' + tid + ': ' + (error && error.message ? error.message : String(error));
    const written = new TextEncoder().encodeInto(text, bytes.subarray(${MESSAGE_AT}, ${MESSAGE_AT + MESSAGE_BYTES})).written;
    Atomics.store(ctl, ${TEAM.messageLength}, written);
  }
  if (program && program.abortAddress >= 0) Atomics.store(program.heap, program.abortAddress >> 2, 1);
}

// Blocks until told to run, to stop, or to return to the event loop for an attachment.
function serve() {
  for (;;) {
    Atomics.wait(ctl, ${TEAM.generation}, generation);
    const now = Atomics.load(ctl, ${TEAM.generation});
    if (now === generation) continue;
    generation = now;
    const command = Atomics.load(ctl, ${TEAM.command});
    if (command === ${EXIT}) { close(); return; }
    if (command !== ${DETACH}) {
      const program = programs[Atomics.load(ctl, ${TEAM.program})];
      try {
        program.fns[command](tid, threads);
      } catch (error) {
        fail(error, program);
      }
    }
    if (Atomics.add(ctl, ${TEAM.done}, 1) === threads - 2) Atomics.notify(ctl, ${TEAM.done});
    if (command === ${DETACH}) return;
  }
}

self.onmessage = (event) => {
  const m = event.data;
  if (m.kind === 'init') {
    ctl = new Int32Array(m.control);
    bytes = new Uint8Array(m.control);
    tid = m.tid;
    threads = m.threads;
    self.postMessage('ready');
    return;
  }
  const program = { fns: null, heap: new Int32Array(m.memory.buffer), abortAddress: m.abortAddress };
  try {
    const instance = new WebAssembly.Instance(m.module, { env: { memory: m.memory } });
    program.fns = m.names.map((n) => instance.exports[n]);
  } catch (error) {
    fail(error, program);
  }
  programs.push(program);
  Atomics.add(ctl, ${TEAM.ready}, 1);
  Atomics.notify(ctl, ${TEAM.ready});
  serve();
};
`;
