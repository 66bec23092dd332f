// Small WAT text helpers shared by the generated loops: locals, addresses, loads and stores.

import type { WatFunction } from './module';

/** Declared locals of one function, in first-use order. */
export class Locals {
  private readonly decls = new Map<string, string>();

  /** Declares `$name` once and returns `name`. */
  declare(name: string, type: 'i32' | 'f32' | 'f64' | 'v128'): string {
    const prev = this.decls.get(name);
    if (prev !== undefined && prev !== type) throw new Error(`local $${name} declared as ${prev} and ${type}`);
    this.decls.set(name, type);
    return name;
  }

  text(): string[] {
    return [...this.decls].map(([name, type]) => `(local $${name} ${type})`);
  }
}

export const get = (name: string): string => `(local.get $${name})`;
export const set = (name: string, value: string): string => `(local.set $${name} ${value})`;
export const i32 = (v: number): string => `(i32.const ${v})`;

/** Sum of address terms (null terms dropped); `(i32.const 0)` when none are left. */
export function addressSum(...terms: (string | null)[]): string {
  const live = terms.filter((t): t is string => t !== null);
  if (live.length === 0) return i32(0);
  return live.reduce((acc, t) => `(i32.add ${acc} ${t})`);
}

/** An address as base expression plus a constant byte offset (the memarg immediate). */
export interface Address {
  readonly base: string;
  readonly offset: number;
}

export const at = (a: Address, extra = 0): Address => ({ base: a.base, offset: a.offset + extra });

export function loadF32(a: Address): string {
  return `(f32.load offset=${a.offset} ${a.base})`;
}

export function storeF32(a: Address, value: string): string {
  return `(f32.store offset=${a.offset} ${a.base} ${value})`;
}

export function storeV128(a: Address, value: string): string {
  return `(v128.store offset=${a.offset} ${a.base} ${value})`;
}

/** Four f32 lanes starting at `a`, `elementStride` elements apart (0: one value splatted). */
export function loadLanes(a: Address, elementStride: number): string {
  if (elementStride === 1) return `(v128.load offset=${a.offset} ${a.base})`;
  if (elementStride === 0) return `(v128.load32_splat offset=${a.offset} ${a.base})`;
  let v = `(f32x4.splat ${loadF32(a)})`;
  for (let lane = 1; lane < 4; lane++) v = `(f32x4.replace_lane ${lane} ${v} ${loadF32(at(a, 4 * lane * elementStride))})`;
  return v;
}

/** Stores the lanes of local `vector` at `a`, `elementStride` elements apart. */
export function storeLanes(a: Address, elementStride: number, vector: string): string {
  if (elementStride === 1) return storeV128(a, get(vector));
  return [0, 1, 2, 3].map((lane) => storeF32(at(a, 4 * lane * elementStride), `(f32x4.extract_lane ${lane} ${get(vector)})`)).join(' ');
}

/** Horizontal sum of a v128 local: (l0 + l1) + (l2 + l3). */
export function horizontalSum(vector: string): string {
  const lane = (i: number): string => `(f32x4.extract_lane ${i} ${get(vector)})`;
  return `(f32.add (f32.add ${lane(0)} ${lane(1)}) (f32.add ${lane(2)} ${lane(3)}))`;
}

export const ZERO_V128 = '(v128.const i32x4 0 0 0 0)';

/** Thread `tid` of `nth` gets units [$lo, $hi) of `units`, in contiguous blocks. */
export function splitUnits(units: number, lo: string, hi: string): string[] {
  return [
    set(hi, `(i32.div_u (i32.add ${i32(units)} (i32.sub (local.get $nth) ${i32(1)})) (local.get $nth))`),
    set(lo, `(i32.mul (local.get $tid) ${get(hi)})`),
    set(hi, `(i32.add ${get(lo)} ${get(hi)})`),
    `(if (i32.gt_u ${get(hi)} ${i32(units)}) (then ${set(hi, i32(units))}))`,
    `(if (i32.gt_u ${get(lo)} ${get(hi)}) (then ${set(lo, get(hi))}))`,
  ];
}

/** The kernel `(func $name (param $tid i32) (param $nth i32) ...)` with the given locals and body lines. */
export function kernelText(name: string, locals: Locals, body: readonly string[]): WatFunction {
  const text = [
    `  (func $${name} (param $tid i32) (param $nth i32)`,
    ...locals.text().map((l) => `    ${l}`),
    ...body.map((l) => `    ${l}`),
    '  )',
  ].join('\n');
  return { name, text };
}
