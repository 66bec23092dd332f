// Dropout masks drawn inside the step: xoshiro128** element by element and mask by mask in
// graph order, so the values are bit for bit those Rng.fillMask draws for the reference
// interpreter. The sequence is serial, yet every thread draws: the masks are one run of
// `draws` values, thread t of e = min(nth, streams) draws [draws*t/e, draws*(t+1)/e), starting
// from the state the host wrote at state + 16t, Rng(seed)'s state jumped ahead to that
// index (format/rng-jump.ts).

import type { WatFunction } from './module';
import { Locals, get, i32, set, kernelText } from './loopText';
import { f32Literal } from './mathLanes';
import { checkName, checkOffset } from './conv-geometry';

export interface MaskBuffer {
  /** Byte offset and element count of the mask. */
  readonly offset: number;
  readonly count: number;
  /** Probability of a zero; kept elements are 1/(1-rate). */
  readonly rate: number;
}

export interface DropoutMasksParams {
  readonly name: string;
  /** Byte offset of `streams` states of four u32 words s0..s3, one per drawing thread. */
  readonly state: number;
  /** Threads that can draw (each needs its own state); the others wait at the next barrier. */
  readonly streams: number;
  readonly masks: readonly MaskBuffer[];
}

/** Values drawn per step: every element of every mask. */
export function maskDraws(masks: readonly MaskBuffer[]): number {
  return masks.reduce((n, m) => n + m.count, 0);
}

const rotl = (x: string, k: number): string => `(i32.rotl ${x} ${i32(k)})`;

/** Mask `m` holds draws [first, first + count): this thread fills its part of [lo, hi). */
function fillOne(m: MaskBuffer, index: number, first: number): string[] {
  // next() < rate  <=>  u32 < rate * 2^32, compared in i64 so that the bound may be 2^32.
  const threshold = Math.ceil(m.rate * 4294967296);
  const keep = f32Literal(Math.fround(1 / (1 - m.rate)));
  const step = [
    set('m', `(i32.mul ${get('s1')} ${i32(5)})`),
    set('x', `(i32.mul ${rotl(get('m'), 7)} ${i32(9)})`),
    set('t', `(i32.shl ${get('s1')} ${i32(9)})`),
    set('s2', `(i32.xor ${get('s2')} ${get('s0')})`),
    set('s3', `(i32.xor ${get('s3')} ${get('s1')})`),
    set('s1', `(i32.xor ${get('s1')} ${get('s2')})`),
    set('s0', `(i32.xor ${get('s0')} ${get('s3')})`),
    set('s2', `(i32.xor ${get('s2')} ${get('t')})`),
    set('s3', rotl(get('s3'), 11)),
    `(f32.store offset=${m.offset} ${get('a')} (select (f32.const 0) (f32.const ${keep}) (i64.lt_u (i64.extend_i32_u ${get('x')}) (i64.const ${threshold}))))`,
  ];
  const clamp = (v: string): string => `(select ${i32(first)} (select ${v} ${i32(first + m.count)} (i32.lt_u ${v} ${i32(first + m.count)})) (i32.lt_u ${v} ${i32(first)}))`;
  return [
    set('a', `(i32.shl (i32.sub ${clamp(get('lo'))} ${i32(first)}) ${i32(2)})`),
    set('e', `(i32.shl (i32.sub ${clamp(get('hi'))} ${i32(first)}) ${i32(2)})`),
    `(if (i32.lt_u ${get('a')} ${get('e')}) (then`,
    `  (loop $mask${index}`,
    ...step.map((s) => `    ${s}`),
    `    ${set('a', `(i32.add ${get('a')} ${i32(4)})`)}`,
    `    (br_if $mask${index} (i32.lt_u ${get('a')} ${get('e')})))))`,
  ];
}

/** draws * k / e in i64 (the product may pass 2^32), as the host computes it. */
function sliceBound(draws: number, k: string): string {
  return `(i32.wrap_i64 (i64.div_u (i64.mul (i64.const ${draws}) (i64.extend_i32_u ${k})) (i64.extend_i32_u ${get('drawers')})))`;
}

export function emitDropoutMasks(p: DropoutMasksParams): WatFunction {
  const where = `dropout masks '${p.name}'`;
  checkName(p.name, where);
  checkOffset(p.state, 'state', where);
  p.masks.forEach((m, k) => {
    checkOffset(m.offset, `mask ${k} offset`, where);
    if (!Number.isInteger(m.count) || m.count < 1) throw new Error(`${where}: mask ${k} count must be a positive integer, got ${m.count}`);
    if (!(m.rate >= 0 && m.rate < 1)) throw new Error(`${where}: mask ${k} rate ${m.rate} is not in [0, 1)`);
  });
  if (!Number.isInteger(p.streams) || p.streams < 1) throw new Error(`${where}: streams must be a positive integer, got ${p.streams}`);
  const locals = new Locals();
  for (const n of ['s0', 's1', 's2', 's3', 'm', 'x', 't', 'a', 'e', 'lo', 'hi', 'at', 'drawers']) locals.declare(n, 'i32');
  const words = ['s0', 's1', 's2', 's3'];
  const draws = maskDraws(p.masks);
  const firsts = p.masks.map((_, k) => maskDraws(p.masks.slice(0, k)));
  const body = [
    set('drawers', `(select ${get('nth')} ${i32(p.streams)} (i32.lt_u ${get('nth')} ${i32(p.streams)}))`),
    `(if (i32.ge_u ${get('tid')} ${get('drawers')}) (then return))`,
    set('lo', sliceBound(draws, get('tid'))),
    set('hi', sliceBound(draws, `(i32.add ${get('tid')} ${i32(1)})`)),
    set('at', `(i32.add ${i32(p.state)} (i32.shl ${get('tid')} ${i32(4)}))`),
    ...words.map((w, k) => set(w, `(i32.load offset=${4 * k} ${get('at')})`)),
    ...p.masks.flatMap((m, k) => fillOne(m, k, firsts[k])),
  ];
  return kernelText(p.name, locals, body);
}
