// RMSprop's update over the parameter region (Keras 3): epsilon inside the square root,
// optional centring (a moving average of the gradient) and momentum. Same region walk, learning
// rate slot and clipping as the other updates (optimizer.ts).

import type { WatFunction } from './module';
import { Locals, get, set } from './loopText';
import { checkRegion, loadAt, regionKernel, storeAt, type ElementUpdate } from './optimizerRegion';
import { clipPrologue, clipped, type UpdateClip } from './optimizer-clip';
import { learningRate } from './optimizer';

export interface RmspropParams {
  readonly name: string;
  readonly count: number;
  /** Byte offsets of the parameters, their gradients and the slots. */
  readonly params: number;
  readonly grads: number;
  readonly velocity: number;
  /** Required when momentum is not 0. */
  readonly momentumSlot?: number;
  /** Required when centered. */
  readonly averageGradient?: number;
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  readonly lrSlot: number;
  readonly clip?: UpdateClip;
}

/**
 * vel = rho vel + (1-rho) g^2; centered: avg = rho avg + (1-rho) g, den = vel - avg^2 + eps,
 * else den = vel + eps; inc = lr g / sqrt(den); momentum: mom = mu mom + inc, p -= mom; else p -= inc.
 */
export function emitRmspropUpdate(p: RmspropParams): WatFunction {
  checkRegion(p.name, p.count, { params: p.params, grads: p.grads, velocity: p.velocity, momentumSlot: p.momentumSlot, averageGradient: p.averageGradient, lrSlot: p.lrSlot });
  const mom = p.momentum === 0 ? null : p.momentumSlot;
  const avg = p.centered ? p.averageGradient : null;
  if (mom === undefined) throw new Error(`update '${p.name}': momentum ${p.momentum} needs a momentum slot`);
  if (avg === undefined) throw new Error(`update '${p.name}': centered needs an averageGradient slot`);
  const locals = new Locals();
  const clip = p.clip ?? { kind: 'none' };
  const prologue = [...learningRate(p.lrSlot, locals), ...clipPrologue(clip, locals)];
  const update: ElementUpdate = (L, lanes, addr) => {
    const at = (offset: number): string => loadAt(lanes, addr, offset);
    const local = (n: string): string => locals.declare(`${n}${lanes}`, L.floatType === 'v128' ? 'v128' : 'f32');
    const [g, vel, den, inc] = ['g', 'vel', 'den', 'inc'].map(local);
    const c = (x: number): string => L.fconst(x);
    const out = [
      set(g, clipped(clip, L, lanes, at(p.grads))),
      set(vel, L.fadd(L.fmul(c(p.rho), at(p.velocity)), L.fmul(c(1 - p.rho), L.fmul(get(g), get(g))))),
      storeAt(lanes, addr, p.velocity, get(vel)),
    ];
    if (avg === null) {
      out.push(set(den, L.fadd(get(vel), c(p.epsilon))));
    } else {
      const a = local('avg');
      out.push(
        set(a, L.fadd(L.fmul(c(p.rho), at(avg)), L.fmul(c(1 - p.rho), get(g)))),
        storeAt(lanes, addr, avg, get(a)),
        set(den, L.fadd(L.fsub(get(vel), L.fmul(get(a), get(a))), c(p.epsilon))),
      );
    }
    out.push(set(inc, L.fdiv(L.fmul(get(lanes === 4 ? 'lrv' : 'lrs'), get(g)), L.fsqrt(get(den)))));
    if (mom === null) {
      out.push(storeAt(lanes, addr, p.params, L.fsub(at(p.params), get(inc))));
    } else {
      const m = local('mom');
      out.push(
        set(m, L.fadd(L.fmul(c(p.momentum), at(mom)), get(inc))),
        storeAt(lanes, addr, mom, get(m)),
        storeAt(lanes, addr, p.params, L.fsub(at(p.params), get(m))),
      );
    }
    return out;
  };
  return regionKernel(p.name, p.count, locals, prologue, update);
}
