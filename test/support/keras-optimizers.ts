// Keras 3's optimizer updates and learning-rate schedules written out in float64 from Keras'
// documented formulas (keras/src/optimizers/*.py, keras/src/optimizers/schedules), not from
// nnc's code: the oracle of the optimizer tests. One step of every parameter:
//   lr = schedule(iterations), iterations = t - 1
//   clipnorm:        g *= clipnorm / max(||g||, clipnorm), per variable
//   global_clipnorm: g *= clip / max(sqrt(sum of all ||g||^2), clip)
//   clipvalue:       g = clip(g, -clipvalue, clipvalue)
//   AdamW:           w -= w * weight_decay * lr, then Adam
//   Adam:            m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); w -= m lr sqrt(1 - b2^t) / (1 - b1^t) / (sqrt(v) + eps)
//   SGD:             m = momentum m - lr g; w += m (nesterov: w += momentum m - lr g); momentum 0: w -= lr g
//   RMSprop:         vel = rho vel + (1 - rho) g^2
//                    centered: avg = rho avg + (1 - rho) g; den = vel - avg^2 + eps; else den = vel + eps
//                    inc = lr g / sqrt(den); momentum: mom = momentum mom + inc, w -= mom; else w -= inc

export type KerasSchedule =
  | { kind: 'ExponentialDecay'; initial_learning_rate: number; decay_steps: number; decay_rate: number; staircase: boolean }
  | { kind: 'PiecewiseConstantDecay'; boundaries: number[]; values: number[] }
  | { kind: 'CosineDecay'; initial_learning_rate: number; decay_steps: number; alpha: number; warmup_target: number | null; warmup_steps: number };

export function kerasSchedule(s: number | KerasSchedule, step: number): number {
  if (typeof s === 'number') return s;
  if (s.kind === 'ExponentialDecay') {
    let p = step / s.decay_steps;
    if (s.staircase) p = Math.floor(p);
    return s.initial_learning_rate * Math.pow(s.decay_rate, p);
  }
  if (s.kind === 'PiecewiseConstantDecay') {
    for (let i = 0; i < s.boundaries.length; i++) if (step <= s.boundaries[i]) return s.values[i];
    return s.values[s.values.length - 1];
  }
  const decay = (t: number, from: number): number => {
    const cosineDecayed = 0.5 * (1 + Math.cos(Math.PI * (t / s.decay_steps)));
    return from * ((1 - s.alpha) * cosineDecayed + s.alpha);
  };
  if (s.warmup_target === null) return decay(Math.min(step, s.decay_steps), s.initial_learning_rate);
  const t = Math.min(step, s.decay_steps + s.warmup_steps);
  if (t < s.warmup_steps) return (s.warmup_target - s.initial_learning_rate) * (t / s.warmup_steps) + s.initial_learning_rate;
  return decay(t - s.warmup_steps, s.warmup_target);
}

export interface KerasOptimizer {
  name: 'adam' | 'adamw' | 'sgd' | 'rmsprop';
  learning_rate: number | KerasSchedule;
  beta_1?: number; beta_2?: number; epsilon?: number; weight_decay?: number;
  momentum?: number; nesterov?: boolean; rho?: number; centered?: boolean;
  clipnorm?: number; clipvalue?: number; global_clipnorm?: number;
}

export interface KerasState {
  w: number[][];
  slots: Record<string, number[][]>;
  iterations: number;
}

export function kerasStart(o: KerasOptimizer, w: number[][]): KerasState {
  const zeros = (): number[][] => w.map((x) => x.map(() => 0));
  const names = o.name === 'adam' || o.name === 'adamw' ? ['m', 'v']
    : o.name === 'sgd' ? ((o.momentum ?? 0) > 0 ? ['momentum'] : [])
      : ['velocity', ...(o.centered ? ['averageGradient'] : []), ...((o.momentum ?? 0) > 0 ? ['momentum'] : [])];
  return { w: w.map((x) => [...x]), slots: Object.fromEntries(names.map((n) => [n, zeros()])), iterations: 0 };
}

const norm = (g: number[]): number => Math.sqrt(g.reduce((s, x) => s + x * x, 0));

function clip(o: KerasOptimizer, grads: number[][]): number[][] {
  if (o.clipnorm) return grads.map((g) => g.map((x) => (x * o.clipnorm!) / Math.max(norm(g), o.clipnorm!)));
  if (o.global_clipnorm) {
    const total = Math.sqrt(grads.reduce((s, g) => s + norm(g) ** 2, 0));
    return grads.map((g) => g.map((x) => (x * o.global_clipnorm!) / Math.max(total, o.global_clipnorm!)));
  }
  if (o.clipvalue) return grads.map((g) => g.map((x) => Math.min(Math.max(x, -o.clipvalue!), o.clipvalue!)));
  return grads;
}

export function kerasStep(o: KerasOptimizer, s: KerasState, rawGrads: number[][]): void {
  const lr = kerasSchedule(o.learning_rate, s.iterations);
  const grads = clip(o, rawGrads);
  const t = s.iterations + 1;
  s.w.forEach((w, k) => {
    const g = grads[k];
    for (let i = 0; i < w.length; i++) {
      if (o.name === 'adamw') w[i] = w[i] - w[i] * o.weight_decay! * lr;
      if (o.name === 'adam' || o.name === 'adamw') {
        const m = s.slots.m[k], v = s.slots.v[k];
        m[i] += (g[i] - m[i]) * (1 - o.beta_1!);
        v[i] += (g[i] * g[i] - v[i]) * (1 - o.beta_2!);
        const alpha = (lr * Math.sqrt(1 - Math.pow(o.beta_2!, t))) / (1 - Math.pow(o.beta_1!, t));
        w[i] -= (m[i] * alpha) / (Math.sqrt(v[i]) + o.epsilon!);
      } else if (o.name === 'sgd') {
        if ((o.momentum ?? 0) > 0) {
          const m = s.slots.momentum[k];
          m[i] = o.momentum! * m[i] - lr * g[i];
          w[i] += o.nesterov ? o.momentum! * m[i] - lr * g[i] : m[i];
        } else {
          w[i] -= lr * g[i];
        }
      } else {
        const vel = s.slots.velocity[k];
        vel[i] = o.rho! * vel[i] + (1 - o.rho!) * g[i] * g[i];
        let den = vel[i] + o.epsilon!;
        if (o.centered) {
          const avg = s.slots.averageGradient[k];
          avg[i] = o.rho! * avg[i] + (1 - o.rho!) * g[i];
          den = vel[i] - avg[i] * avg[i] + o.epsilon!;
        }
        const inc = (lr * g[i]) / Math.sqrt(den);
        if ((o.momentum ?? 0) > 0) {
          const mom = s.slots.momentum[k];
          mom[i] = o.momentum! * mom[i] + inc;
          w[i] -= mom[i];
        } else {
          w[i] -= inc;
        }
      }
    }
  });
  s.iterations = t;
}
