// Thread barriers in WAT and the per-thread `step` function that chains kernels with them.
// A training step is ONE call into wasm per thread: step(tid, nth) runs every kernel's
// share for thread tid, with a barrier wherever a kernel reads what others wrote.
//
// The barrier is a generation barrier on a 16-byte block of the shared memory:
//   +0 arrivals, +4 generation, +8 abort flag (set by the runtime when a thread failed).
// Arrivals count up; the last arrival resets the count, bumps the generation and wakes
// everyone. Waiters spin briefly (cheap when the others are about to arrive), then sleep
// in memory.atomic.wait32 with a timeout, so a set abort flag is seen and turns into a trap
// instead of a hang.

import { i32 } from './gemm-wat';
import type { WatFunction } from './module';

export const BARRIER_BYTES = 16;

/** Byte address of the abort flag of the barrier block at `address`. */
export function barrierAbortAddress(address: number): number {
  return address + 8;
}

/** Spins before sleeping: a few microseconds, enough to cover a balanced split. */
const DEFAULT_SPIN = 4000;
/** Sleep slice in nanoseconds between checks of the abort flag. */
const WAIT_NS = 20_000_000;

function checkName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`barrier/step name '${name}' is not an identifier`);
}

export function emitBarrier(name: string, address: number, spin = DEFAULT_SPIN): WatFunction {
  checkName(name);
  if (!Number.isInteger(address) || address < 0 || address % 4 !== 0) throw new Error(`barrier ${name}: address ${address} is not a multiple of 4`);
  const count = i32(address);
  const gen = i32(address + 4);
  const abort = i32(address + 8);
  const text = [
    `  (func $${name} (param $tid i32) (param $nth i32)`,
    '    (local $gen i32) (local $spin i32)',
    `    (local.set $gen (i32.atomic.load ${gen}))`,
    `    (if (i32.eq (i32.atomic.rmw.add ${count} (i32.const 1)) (i32.sub (local.get $nth) (i32.const 1)))`,
    '      (then',
    `        (i32.atomic.store ${count} (i32.const 0))`,
    `        (drop (i32.atomic.rmw.add ${gen} (i32.const 1)))`,
    `        (drop (memory.atomic.notify ${gen} (i32.const -1))))`,
    '      (else',
    `        (local.set $spin ${i32(spin)})`,
    '        (block $passed',
    '          (loop $spinning',
    `            (br_if $passed (i32.ne (i32.atomic.load ${gen}) (local.get $gen)))`,
    '            (local.set $spin (i32.sub (local.get $spin) (i32.const 1)))',
    '            (br_if $spinning (i32.gt_s (local.get $spin) (i32.const 0))))',
    '          (loop $sleeping',
    `            (if (i32.atomic.load ${abort}) (then unreachable))`,
    `            (drop (memory.atomic.wait32 ${gen} (local.get $gen) (i64.const ${WAIT_NS})))`,
    `            (br_if $sleeping (i32.eq (i32.atomic.load ${gen}) (local.get $gen)))))))`,
    `    (if (i32.atomic.load ${abort}) (then unreachable))`,
    '  )',
  ].join('\n');
  return { name, text };
}

export interface StepCall {
  /** The kernel to call (a `(param $tid i32) (param $nth i32)` function). */
  readonly kernel: string;
  /** Wait for all threads after this call (default true; never after the last call). */
  readonly barrierAfter?: boolean;
}

/** A function running `calls` in order on thread $tid of $nth, with `barrier` between them. */
export function emitStep(name: string, calls: readonly StepCall[], barrier: string): WatFunction {
  checkName(name);
  checkName(barrier);
  const body: string[] = [];
  calls.forEach((c, i) => {
    checkName(c.kernel);
    body.push(`    (call $${c.kernel} (local.get $tid) (local.get $nth))`);
    if (i < calls.length - 1 && c.barrierAfter !== false) body.push(`    (call $${barrier} (local.get $tid) (local.get $nth))`);
  });
  return { name, text: [`  (func $${name} (param $tid i32) (param $nth i32)`, ...body, '  )'].join('\n') };
}

/** Kernel phases that must run in order with a barrier between consecutive ones, as step calls. */
export function phaseCalls(phases: readonly WatFunction[]): StepCall[] {
  return phases.map((f) => ({ kernel: f.name }));
}
