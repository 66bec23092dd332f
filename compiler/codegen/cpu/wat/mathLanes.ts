// One instruction vocabulary for scalar f32 and f32x4 code, so every math routine and the
// scalar-expression renderer is written once and rendered at either width.
// Masks are i32 0/1 in scalar code and all-ones/all-zeros lanes in vector code.

/** A WAT literal for an f32 value: exact for any f32, signed zero and non-finite values kept. */
export function f32Literal(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  const v = Math.fround(value);
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

export interface Lanes {
  /** Value type of a float (and of a mask or int in vector code). */
  readonly floatType: 'f32' | 'v128';
  readonly intType: 'i32' | 'v128';
  readonly maskType: 'i32' | 'v128';
  fconst(value: number): string;
  iconst(value: number): string;
  fadd(a: string, b: string): string;
  fsub(a: string, b: string): string;
  fmul(a: string, b: string): string;
  fdiv(a: string, b: string): string;
  fmin(a: string, b: string): string;
  fmax(a: string, b: string): string;
  fneg(a: string): string;
  fabs(a: string): string;
  fsqrt(a: string): string;
  fnearest(a: string): string;
  /** Float to int, saturating (NaN -> 0). */
  ftoi(a: string): string;
  itof(a: string): string;
  iadd(a: string, b: string): string;
  isub(a: string, b: string): string;
  ishl(a: string, bits: number): string;
  ishrS(a: string, bits: number): string;
  ishrU(a: string, bits: number): string;
  iand(a: string, b: string): string;
  ior(a: string, b: string): string;
  /** Bit casts between float and int views of the same bits. */
  bitsOf(a: string): string;
  floatOf(a: string): string;
  /** Comparisons produce masks. */
  cmp(op: 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne', a: string, b: string): string;
  maskOr(a: string, b: string): string;
  /** mask ? a : b, element by element (both sides are evaluated). */
  select(mask: string, a: string, b: string): string;
  /** A mask as the float 1.0 / 0.0. */
  maskToFloat(mask: string): string;
  /** |mag| with the sign of sgn. */
  copysign(mag: string, sgn: string): string;
}

export const F32: Lanes = {
  floatType: 'f32', intType: 'i32', maskType: 'i32',
  fconst: (v) => `(f32.const ${f32Literal(v)})`,
  iconst: (v) => `(i32.const ${v | 0})`,
  fadd: (a, b) => `(f32.add ${a} ${b})`,
  fsub: (a, b) => `(f32.sub ${a} ${b})`,
  fmul: (a, b) => `(f32.mul ${a} ${b})`,
  fdiv: (a, b) => `(f32.div ${a} ${b})`,
  fmin: (a, b) => `(f32.min ${a} ${b})`,
  fmax: (a, b) => `(f32.max ${a} ${b})`,
  fneg: (a) => `(f32.neg ${a})`,
  fabs: (a) => `(f32.abs ${a})`,
  fsqrt: (a) => `(f32.sqrt ${a})`,
  fnearest: (a) => `(f32.nearest ${a})`,
  ftoi: (a) => `(i32.trunc_sat_f32_s ${a})`,
  itof: (a) => `(f32.convert_i32_s ${a})`,
  iadd: (a, b) => `(i32.add ${a} ${b})`,
  isub: (a, b) => `(i32.sub ${a} ${b})`,
  ishl: (a, n) => `(i32.shl ${a} (i32.const ${n}))`,
  ishrS: (a, n) => `(i32.shr_s ${a} (i32.const ${n}))`,
  ishrU: (a, n) => `(i32.shr_u ${a} (i32.const ${n}))`,
  iand: (a, b) => `(i32.and ${a} ${b})`,
  ior: (a, b) => `(i32.or ${a} ${b})`,
  bitsOf: (a) => `(i32.reinterpret_f32 ${a})`,
  floatOf: (a) => `(f32.reinterpret_i32 ${a})`,
  cmp: (op, a, b) => `(f32.${op} ${a} ${b})`,
  maskOr: (a, b) => `(i32.or ${a} ${b})`,
  select: (m, a, b) => `(select ${a} ${b} ${m})`,
  maskToFloat: (m) => `(f32.convert_i32_u ${m})`,
  copysign: (mag, sgn) => `(f32.copysign ${mag} ${sgn})`,
};

const SIGN_BIT = '(v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)';

export function f32x4Splat(value: number): string {
  const s = f32Literal(value);
  return `(v128.const f32x4 ${s} ${s} ${s} ${s})`;
}

export const F32X4: Lanes = {
  floatType: 'v128', intType: 'v128', maskType: 'v128',
  fconst: f32x4Splat,
  iconst: (v) => `(v128.const i32x4 ${v | 0} ${v | 0} ${v | 0} ${v | 0})`,
  fadd: (a, b) => `(f32x4.add ${a} ${b})`,
  fsub: (a, b) => `(f32x4.sub ${a} ${b})`,
  fmul: (a, b) => `(f32x4.mul ${a} ${b})`,
  fdiv: (a, b) => `(f32x4.div ${a} ${b})`,
  fmin: (a, b) => `(f32x4.min ${a} ${b})`,
  fmax: (a, b) => `(f32x4.max ${a} ${b})`,
  fneg: (a) => `(f32x4.neg ${a})`,
  fabs: (a) => `(f32x4.abs ${a})`,
  fsqrt: (a) => `(f32x4.sqrt ${a})`,
  fnearest: (a) => `(f32x4.nearest ${a})`,
  ftoi: (a) => `(i32x4.trunc_sat_f32x4_s ${a})`,
  itof: (a) => `(f32x4.convert_i32x4_s ${a})`,
  iadd: (a, b) => `(i32x4.add ${a} ${b})`,
  isub: (a, b) => `(i32x4.sub ${a} ${b})`,
  ishl: (a, n) => `(i32x4.shl ${a} (i32.const ${n}))`,
  ishrS: (a, n) => `(i32x4.shr_s ${a} (i32.const ${n}))`,
  ishrU: (a, n) => `(i32x4.shr_u ${a} (i32.const ${n}))`,
  iand: (a, b) => `(v128.and ${a} ${b})`,
  ior: (a, b) => `(v128.or ${a} ${b})`,
  bitsOf: (a) => a,
  floatOf: (a) => a,
  cmp: (op, a, b) => `(f32x4.${op} ${a} ${b})`,
  maskOr: (a, b) => `(v128.or ${a} ${b})`,
  select: (m, a, b) => `(v128.bitselect ${a} ${b} ${m})`,
  maskToFloat: (m) => `(v128.and ${m} ${f32x4Splat(1)})`,
  copysign: (mag, sgn) => `(v128.bitselect ${sgn} ${mag} ${SIGN_BIT})`,
};
