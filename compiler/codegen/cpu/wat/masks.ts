// Dropout masks drawn inside the step: xoshiro128** from a 128-bit state the host seeds
// (Rng(seed).state()), element by element and mask by mask in graph order, so the values are
// bit for bit those Rng.fillMask draws for the reference interpreter. Thread 0 draws (the
// sequence is serial): about 1.5 ns an element, 2.6 ms for the seed step's 1.75M, a quarter
// of the JS loop it replaces.

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
  /** Byte offset of the four u32 state words s0..s3, read at the start and written back at the end. */
  readonly state: number;
  readonly masks: readonly MaskBuffer[];
}

const rotl = (x: string, k: number): string => `(i32.rotl ${x} ${i32(k)})`;

function fillOne(m: MaskBuffer, index: number): string[] {
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
  return [
    set('a', i32(0)),
    `(loop $mask${index}`,
    ...step.map((s) => `  ${s}`),
    `  ${set('a', `(i32.add ${get('a')} ${i32(4)})`)}`,
    `  (br_if $mask${index} (i32.lt_u ${get('a')} ${i32(m.count * 4)})))`,
  ];
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
  const locals = new Locals();
  for (const n of ['s0', 's1', 's2', 's3', 'm', 'x', 't', 'a']) locals.declare(n, 'i32');
  const words = ['s0', 's1', 's2', 's3'];
  const body = [
    '(if (local.get $tid) (then return))',
    ...words.map((w, k) => set(w, `(i32.load offset=${p.state + 4 * k} ${i32(0)})`)),
    ...p.masks.flatMap(fillOne),
    ...words.map((w, k) => `(i32.store offset=${p.state + 4 * k} ${i32(0)} ${get(w)})`),
  ];
  return kernelText(p.name, locals, body);
}
