// A parameter's optimizer update as gpu.js elementwise kernels, Keras 3 semantics: one kernel
// per optimizer slot, in slot order, then one for the parameter. The slot kernel reads
// (old slot, gradient, the new values of the slots before it); the parameter kernel reads
// (param, gradient, every new slot). What changes from step to step comes in as uniforms the
// runtime computes on the host: `lr` (the schedule's rate), `lrT` (Adam's bias-corrected
// step size), `wdLr` (AdamW's lr * weightDecay) and `gscale` (clipnorm's or globalClipnorm's
// factor). A kernel cannot read its own output texture: the runtime keeps two instances of
// each and alternates them (runtime/backends/gpujs/optimizer.ts).

import type { ScalarExpr } from '../../ir/scalar';
import { S } from '../../ir/scalar';
import type { OptimizerSpec } from '../../dsl/spec';
import { clippingOf, optimizerSlotNames } from '../../../format/optimizer-slots';
import { pointwiseEmitter } from './emit-pointwise';
import type { GpuKernelSource } from './kernel';
import { assembleKernel } from './kernel';

/** The uniforms an update kernel may read. */
export const UPDATE_SCALARS = ['lr', 'lrT', 'wdLr', 'gscale'] as const;
export type UpdateScalar = typeof UPDATE_SCALARS[number];

export interface GpuUpdateKernels {
  /** One per slot, in optimizerSlotNames order. */
  readonly slots: readonly GpuKernelSource[];
  readonly param: GpuKernelSource;
}

/** What one kernel's expression can refer to; uniforms used are recorded in order. */
class Terms {
  readonly scalars: UpdateScalar[] = [];

  constructor(private readonly spec: OptimizerSpec, private readonly inputs: number, private readonly slots: readonly string[]) {}

  get old(): ScalarExpr {
    return S.arg(0);
  }

  /** The gradient after clipping. */
  get g(): ScalarExpr {
    const c = clippingOf(this.spec);
    if (c.kind === 'value') return S.bin('min', S.bin('max', S.arg(1), S.c(-c.limit)), S.c(c.limit));
    if (c.kind === 'norm' || c.kind === 'globalNorm') return S.bin('mul', S.arg(1), this.scalar('gscale'));
    return S.arg(1);
  }

  /** The new value of slot `name` (computed by an earlier kernel). */
  slot(name: string): ScalarExpr {
    const k = this.slots.indexOf(name);
    if (k < 0) throw new Error(`gpu.js update: slot ${name} is not computed before this kernel`);
    return S.arg(2 + k);
  }

  scalar(name: UpdateScalar): ScalarExpr {
    if (!this.scalars.includes(name)) this.scalars.push(name);
    return S.arg(this.inputs + this.scalars.indexOf(name));
  }
}

const add = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => S.bin('add', a, b);
const sub = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => S.bin('sub', a, b);
const mul = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => S.bin('mul', a, b);
const div = (a: ScalarExpr, b: ScalarExpr): ScalarExpr => S.bin('div', a, b);
/** decay * old + (1 - decay) * x */
const average = (decay: number, old: ScalarExpr, x: ScalarExpr): ScalarExpr => add(mul(S.c(decay), old), mul(S.c(1 - decay), x));

type SlotRule = (t: Terms) => ScalarExpr;
interface Rules { readonly slots: Readonly<Record<string, SlotRule>>; readonly param: SlotRule }

/** RMSprop's lr * g / sqrt(denominator). */
function rmspropIncrement(o: Extract<OptimizerSpec, { kind: 'rmsprop' }>, t: Terms): ScalarExpr {
  const vel = t.slot('velocity');
  const den = o.centered ? add(sub(vel, mul(t.slot('averageGradient'), t.slot('averageGradient'))), S.c(o.epsilon)) : add(vel, S.c(o.epsilon));
  return div(mul(t.scalar('lr'), t.g), S.un('sqrt', den));
}

function rules(o: OptimizerSpec): Rules {
  switch (o.kind) {
    case 'adam': case 'adamw': return {
      slots: { m: (t) => average(o.beta1, t.old, t.g), v: (t) => average(o.beta2, t.old, mul(t.g, t.g)) },
      param: (t) => {
        const w = o.kind === 'adamw' ? sub(t.old, mul(t.old, t.scalar('wdLr'))) : t.old;
        return sub(w, div(mul(t.scalar('lrT'), t.slot('m')), add(S.un('sqrt', t.slot('v')), S.c(o.epsilon))));
      },
    };
    case 'sgd': return {
      slots: { momentum: (t) => sub(mul(S.c(o.momentum), t.old), mul(t.scalar('lr'), t.g)) },
      param: (t) => {
        const step = mul(t.scalar('lr'), t.g);
        if (o.momentum === 0) return sub(t.old, step);
        return add(t.old, o.nesterov ? sub(mul(S.c(o.momentum), t.slot('momentum')), step) : t.slot('momentum'));
      },
    };
    case 'rmsprop': return {
      slots: {
        velocity: (t) => average(o.rho, t.old, mul(t.g, t.g)),
        averageGradient: (t) => average(o.rho, t.old, t.g),
        momentum: (t) => add(mul(S.c(o.momentum), t.old), rmspropIncrement(o, t)),
      },
      param: (t) => sub(t.old, o.momentum > 0 ? t.slot('momentum') : rmspropIncrement(o, t)),
    };
  }
}

function kernel(label: string, shape: readonly number[], inputs: number, build: (t: Terms) => ScalarExpr, t: Terms): GpuKernelSource {
  const expr = build(t);
  return assembleKernel({
    label, out: shape, inputs: Array.from({ length: inputs }, () => shape), attrs: {},
    emit: pointwiseEmitter(() => expr, t.scalars), scalars: t.scalars,
  });
}

/** The update kernels of one parameter of `shape`. */
export function emitUpdateKernels(shape: readonly number[], o: OptimizerSpec): GpuUpdateKernels {
  const names = optimizerSlotNames(o);
  const r = rules(o);
  const slots = names.map((name, k) => {
    const inputs = 2 + k;
    return kernel(`${o.kind} ${name}`, shape, inputs, r.slots[name], new Terms(o, inputs, names.slice(0, k)));
  });
  const inputs = 2 + names.length;
  return { slots, param: kernel(`${o.kind} param`, shape, inputs, r.param, new Terms(o, inputs, names)) };
}
