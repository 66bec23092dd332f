// The region walk shared by the update and constraint kernels: threads split a contiguous
// region in 4-element units (f32x4), and the last thread also takes the scalar tail.

import type { WatFunction } from './module';
import { Locals, get, i32, set, splitUnits, kernelText } from './loopText';
import { F32, F32X4, type Lanes } from './mathLanes';

/** Statements updating the element(s) at byte `address` of every region (1 or 4 lanes). */
export type ElementUpdate = (L: Lanes, lanes: 1 | 4, address: string) => string[];

export function checkRegion(name: string, count: number, offsets: Record<string, number | undefined>): void {
  const fail = (what: string): never => { throw new Error(`update '${name}': ${what}`); };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail('name is not a plain identifier');
  if (!Number.isInteger(count) || count < 1) fail(`count must be a positive integer, got ${count}`);
  for (const [what, v] of Object.entries(offsets)) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v % 4 !== 0)) fail(`${what} offset ${v} is not a non-negative multiple of 4`);
  }
}

export const loadAt = (lanes: 1 | 4, address: string, offset: number): string => `(${lanes === 4 ? 'v128' : 'f32'}.load offset=${offset} ${address})`;
export const storeAt = (lanes: 1 | 4, address: string, offset: number, value: string): string =>
  `(${lanes === 4 ? 'v128' : 'f32'}.store offset=${offset} ${address} ${value})`;

/** A kernel walking thread tid's share of `count` elements (`$b` = byte offset) with `update`. */
export function regionKernel(name: string, count: number, locals: Locals, prologue: string[], update: ElementUpdate): WatFunction {
  for (const n of ['u', 'u1', 'b', 'end']) locals.declare(n, 'i32');
  const units = Math.floor(count / 4);
  const vector = update(F32X4, 4, get('b'));
  const tail = Array.from({ length: count - units * 4 }, (_, i) => update(F32, 1, i32((units * 4 + i) * 4))).flat();
  const body = [
    ...prologue,
    ...splitUnits(units, 'u', 'u1'),
    set('b', `(i32.shl ${get('u')} ${i32(4)})`),
    set('end', `(i32.shl ${get('u1')} ${i32(4)})`),
    '(block $done (loop $elements',
    `  (br_if $done (i32.ge_u ${get('b')} ${get('end')}))`,
    ...vector.map((s) => `  ${s}`),
    `  ${set('b', `(i32.add ${get('b')} ${i32(16)})`)}`,
    '  (br $elements)))',
    ...(tail.length === 0 ? [] : [`(if (i32.eq (local.get $tid) (i32.sub (local.get $nth) ${i32(1)})) (then`, ...tail.map((s) => `  ${s}`), '))']),
  ];
  return kernelText(name, locals, body);
}

