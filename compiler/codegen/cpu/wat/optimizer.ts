// Parameter updates over one contiguous region (all trainable parameters laid out back to
// back, their gradients and slots in the same order), Keras semantics. The learning rate and
// the step number are read from memory the runtime writes, so one module serves every step
// (and learning-rate schedules). Threads split the region in 4-element units; the last
// thread also takes the scalar tail. Gradients pass through the clipping (optimizer-clip.ts).

import type { WatFunction } from './module';
import { Locals, get, i32, set } from './loopText';
import { checkRegion, loadAt, regionKernel, storeAt, type ElementUpdate } from './optimizerRegion';
import { clipPrologue, clipped, type UpdateClip } from './optimizer-clip';

export interface AdamParams {
  readonly name: string;
  /** Elements in the region. */
  readonly count: number;
  /** Byte offsets of the parameters, their gradients, and Adam's m and v slots. */
  readonly params: number;
  readonly grads: number;
  readonly m: number;
  readonly v: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Byte offset of the learning rate (f32). */
  readonly lrSlot: number;
  /** Byte offset of t (i32): the 1-based number of this update (Keras' iterations + 1). */
  readonly stepSlot: number;
  /** AdamW: w -= lr * weightDecay * w before the Adam step (0 or absent: Adam). */
  readonly weightDecay?: number;
  readonly clip?: UpdateClip;
}

export interface SgdParams {
  readonly name: string;
  readonly count: number;
  readonly params: number;
  readonly grads: number;
  /** Byte offset of the velocity slot; required when momentum is not 0. */
  readonly velocity?: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly lrSlot: number;
  readonly clip?: UpdateClip;
}

/** lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t), in f64, powers by repeated squaring. */
function adamRate(p: AdamParams, locals: Locals): string[] {
  for (const n of ['k']) locals.declare(n, 'i32');
  for (const n of ['base1', 'base2', 'pow1', 'pow2', 'lrt']) locals.declare(n, 'f64');
  locals.declare('lrv', 'v128');
  locals.declare('lrs', 'f32');
  const f64 = (v: number): string => `(f64.const ${v})`;
  return [
    set('k', `(i32.load offset=${p.stepSlot} ${i32(0)})`),
    set('base1', f64(p.beta1)), set('base2', f64(p.beta2)), set('pow1', f64(1)), set('pow2', f64(1)),
    '(block $powered (loop $square',
    `  (br_if $powered (i32.le_s ${get('k')} ${i32(0)}))`,
    `  (if (i32.and ${get('k')} ${i32(1)}) (then ${set('pow1', `(f64.mul ${get('pow1')} ${get('base1')})`)} ${set('pow2', `(f64.mul ${get('pow2')} ${get('base2')})`)}))`,
    `  ${set('base1', `(f64.mul ${get('base1')} ${get('base1')})`)} ${set('base2', `(f64.mul ${get('base2')} ${get('base2')})`)}`,
    `  ${set('k', `(i32.shr_u ${get('k')} ${i32(1)})`)}`,
    '  (br $square)))',
    set('lrt', `(f64.div (f64.mul (f64.promote_f32 (f32.load offset=${p.lrSlot} ${i32(0)})) (f64.sqrt (f64.sub ${f64(1)} ${get('pow2')}))) (f64.sub ${f64(1)} ${get('pow1')}))`),
    set('lrs', `(f32.demote_f64 ${get('lrt')})`),
    set('lrv', `(f32x4.splat ${get('lrs')})`),
  ];
}

/** Adam (Keras): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr_t m / (sqrt(v) + epsilon); AdamW first decays p. */
export function emitAdamUpdate(p: AdamParams): WatFunction {
  checkRegion(p.name, p.count, { params: p.params, grads: p.grads, m: p.m, v: p.v, lrSlot: p.lrSlot, stepSlot: p.stepSlot });
  const locals = new Locals();
  const clip = p.clip ?? { kind: 'none' };
  const decay = p.weightDecay ?? 0;
  const prologue = [...adamRate(p, locals), ...clipPrologue(clip, locals), ...(decay === 0 ? [] : decayFactor(p.lrSlot, decay, locals))];
  const update: ElementUpdate = (L, lanes, addr) => {
    const at = (offset: number): string => loadAt(lanes, addr, offset);
    const [g, m, v] = ['g', 'm', 'v'].map((n) => locals.declare(`${n}${lanes}`, L.floatType === 'v128' ? 'v128' : 'f32'));
    const c = (x: number): string => L.fconst(x);
    const lr = get(lanes === 4 ? 'lrv' : 'lrs');
    const w = decay === 0 ? null : locals.declare(`w${lanes}`, L.floatType === 'v128' ? 'v128' : 'f32');
    const decayed = w === null ? [] : [set(w, L.fsub(at(p.params), L.fmul(at(p.params), get(lanes === 4 ? 'wdv' : 'wds'))))];
    return [
      set(g, clipped(clip, L, lanes, at(p.grads))),
      set(m, L.fadd(L.fmul(c(p.beta1), at(p.m)), L.fmul(c(1 - p.beta1), get(g)))),
      set(v, L.fadd(L.fmul(c(p.beta2), at(p.v)), L.fmul(c(1 - p.beta2), L.fmul(get(g), get(g))))),
      ...decayed,
      storeAt(lanes, addr, p.m, get(m)),
      storeAt(lanes, addr, p.v, get(v)),
      storeAt(lanes, addr, p.params, L.fsub(w === null ? at(p.params) : get(w), L.fdiv(L.fmul(lr, get(m)), L.fadd(L.fsqrt(get(v)), c(p.epsilon))))),
    ];
  };
  return regionKernel(p.name, p.count, locals, prologue, update);
}

/** AdamW's factor lr * weightDecay (f32, from the step's learning rate), scalar and splat. */
function decayFactor(lrSlot: number, weightDecay: number, locals: Locals): string[] {
  locals.declare('wds', 'f32');
  locals.declare('wdv', 'v128');
  return [
    set('wds', `(f32.demote_f64 (f64.mul (f64.promote_f32 (f32.load offset=${lrSlot} ${i32(0)})) (f64.const ${weightDecay})))`),
    set('wdv', `(f32x4.splat ${get('wds')})`),
  ];
}

/** SGD (Keras): v = momentum v - lr g; p += v, or with Nesterov p += momentum v - lr g; plain p -= lr g. */
export function emitSgdUpdate(p: SgdParams): WatFunction {
  checkRegion(p.name, p.count, { params: p.params, grads: p.grads, velocity: p.velocity, lrSlot: p.lrSlot });
  if (p.momentum !== 0 && p.velocity === undefined) throw new Error(`update '${p.name}': momentum ${p.momentum} needs a velocity slot`);
  const locals = new Locals();
  const clip = p.clip ?? { kind: 'none' };
  const prologue = [...learningRate(p.lrSlot, locals), ...clipPrologue(clip, locals)];
  const update: ElementUpdate = (L, lanes, addr) => {
    const at = (offset: number): string => loadAt(lanes, addr, offset);
    const step = L.fmul(get(lanes === 4 ? 'lrv' : 'lrs'), clipped(clip, L, lanes, at(p.grads)));
    if (p.momentum === 0 || p.velocity === undefined) return [storeAt(lanes, addr, p.params, L.fsub(at(p.params), step))];
    const vel = locals.declare(`vel${lanes}`, L.floatType === 'v128' ? 'v128' : 'f32');
    const mu = L.fconst(p.momentum);
    const delta = p.nesterov ? L.fsub(L.fmul(mu, get(vel)), step) : get(vel);
    return [
      set(vel, L.fsub(L.fmul(mu, at(p.velocity)), step)),
      storeAt(lanes, addr, p.velocity, get(vel)),
      storeAt(lanes, addr, p.params, L.fadd(at(p.params), delta)),
    ];
  };
  return regionKernel(p.name, p.count, locals, prologue, update);
}

/** The step's learning rate from memory, scalar (lrs) and splat (lrv). */
export function learningRate(lrSlot: number, locals: Locals): string[] {
  locals.declare('lrs', 'f32');
  locals.declare('lrv', 'v128');
  return [set('lrs', `(f32.load offset=${lrSlot} ${i32(0)})`), set('lrv', `(f32x4.splat ${get('lrs')})`)];
}
