// The values an optimizer keeps per parameter value, by name (Keras 3's slot variables), in
// the order the compiled updates lay them out and compute them (RMSprop's momentum reads the
// new average gradient); checkpoints name them `<kind>.<slot>:<param>`.

import type { OptimizerSpec } from './spec';

export function optimizerSlotNames(opt: OptimizerSpec): string[] {
  switch (opt.kind) {
    case 'adam': case 'adamw': return ['m', 'v'];
    case 'sgd': return opt.momentum > 0 ? ['momentum'] : [];
    case 'rmsprop': return ['velocity', ...(opt.centered ? ['averageGradient'] : []), ...(opt.momentum > 0 ? ['momentum'] : [])];
  }
}

/** The clipping a spec asks for, as one tagged value (at most one is set). */
export type Clipping =
  | { readonly kind: 'none' }
  | { readonly kind: 'norm' | 'globalNorm' | 'value'; readonly limit: number };

export function clippingOf(opt: OptimizerSpec): Clipping {
  if (opt.clipnorm !== undefined) return { kind: 'norm', limit: opt.clipnorm };
  if (opt.globalClipnorm !== undefined) return { kind: 'globalNorm', limit: opt.globalClipnorm };
  if (opt.clipvalue !== undefined) return { kind: 'value', limit: opt.clipvalue };
  return { kind: 'none' };
}
