// Keras' gradient clipping before the update. clipnorm and globalClipnorm need each
// gradient's sum of squares before any update: the gradNorms kernel computes them, each
// param's by one thread in a fixed order (the same sum on any thread count), in f64, into a
// scratch array; with clipnorm that thread then scales the param's gradient in place. The
// update kernel runs after a barrier: with globalClipnorm its prologue adds the sums (in
// param order) and scales every gradient it reads; clipvalue clamps each gradient it reads.

import type { WatFunction } from './module';
import { Locals, get, i32, set, kernelText } from './loopText';
import type { Lanes } from './mathLanes';

/** One param's gradient inside the gradient region: byte offset from the region's start, elements. */
export interface GradRange {
  readonly offset: number;
  readonly count: number;
}

export interface GradNormsParams {
  readonly name: string;
  /** Byte offset of the gradient region. */
  readonly grads: number;
  readonly ranges: readonly GradRange[];
  /** Byte offset of one f64 per param: its gradient's sum of squares. */
  readonly norms: number;
  /** clipnorm: scale each gradient to clipnorm / max(norm, clipnorm); null: only the sums. */
  readonly clipnorm: number | null;
}

/** What the update kernel does to each gradient it reads. */
export type UpdateClip =
  | { readonly kind: 'none' }
  | { readonly kind: 'value'; readonly limit: number }
  | { readonly kind: 'globalNorm'; readonly limit: number; readonly norms: number; readonly params: number };

const f64 = (v: number): string => `(f64.const ${v})`;

function paramNorm(p: GradNormsParams, k: number, r: GradRange): string[] {
  const start = p.grads + r.offset;
  const walk = (body: string[]): string[] => [
    set('b', i32(start)),
    `(block $done${k} (loop $each${k}`,
    `  (br_if $done${k} (i32.ge_u ${get('b')} ${i32(start + 4 * r.count)}))`,
    ...body.map((s) => `  ${s}`),
    `  ${set('b', `(i32.add ${get('b')} ${i32(4)})`)}`,
    `  (br $each${k})))`,
  ];
  const sum = [
    set('s', f64(0)),
    ...walk([set('x', `(f64.promote_f32 (f32.load ${get('b')}))`), set('s', `(f64.add ${get('s')} (f64.mul ${get('x')} ${get('x')}))`)]),
    `(f64.store offset=${p.norms + 8 * k} ${i32(0)} ${get('s')})`,
  ];
  const scale = p.clipnorm === null ? [] : [
    set('scale', `(f32.demote_f64 (f64.div ${f64(p.clipnorm)} (f64.max (f64.sqrt ${get('s')}) ${f64(p.clipnorm)})))`),
    ...walk([`(f32.store ${get('b')} (f32.mul (f32.load ${get('b')}) ${get('scale')}))`]),
  ];
  return [`(if (i32.eq (i32.rem_u ${i32(k)} (local.get $nth)) (local.get $tid)) (then`, ...[...sum, ...scale].map((s) => `  ${s}`), '))'];
}

/** Each param's gradient sum of squares (and, with clipnorm, its gradient scaled in place). */
export function emitGradNorms(p: GradNormsParams): WatFunction {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) throw new Error(`gradNorms '${p.name}': name is not a plain identifier`);
  if (p.norms % 8 !== 0) throw new Error(`gradNorms '${p.name}': norms offset ${p.norms} is not a multiple of 8`);
  const locals = new Locals();
  locals.declare('b', 'i32');
  locals.declare('s', 'f64');
  locals.declare('x', 'f64');
  locals.declare('scale', 'f32');
  return kernelText(p.name, locals, p.ranges.flatMap((r, k) => paramNorm(p, k, r)));
}

/** Statements of the update kernel's prologue that the clipping needs (the global scale). */
export function clipPrologue(c: UpdateClip, locals: Locals): string[] {
  if (c.kind !== 'globalNorm') return [];
  locals.declare('gsum', 'f64');
  locals.declare('gscale', 'f32');
  locals.declare('gscalev', 'v128');
  const terms = Array.from({ length: c.params }, (_, k) => set('gsum', `(f64.add ${get('gsum')} (f64.load offset=${c.norms + 8 * k} ${i32(0)}))`));
  return [
    set('gsum', f64(0)),
    ...terms,
    set('gscale', `(f32.demote_f64 (f64.div ${f64(c.limit)} (f64.max (f64.sqrt ${get('gsum')}) ${f64(c.limit)})))`),
    set('gscalev', `(f32x4.splat ${get('gscale')})`),
  ];
}

/** The gradient `g` (an expression) as the update uses it. */
export function clipped(c: UpdateClip, L: Lanes, lanes: 1 | 4, g: string): string {
  if (c.kind === 'value') return L.fmin(L.fmax(g, L.fconst(-c.limit)), L.fconst(c.limit));
  if (c.kind === 'globalNorm') return L.fmul(g, get(lanes === 4 ? 'gscalev' : 'gscale'));
  return g;
}
