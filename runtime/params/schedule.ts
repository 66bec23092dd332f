// The learning rate of each update, Keras 3's schedules evaluated in float64 on the host: the
// CPU program reads it from memory, gpu.js gets it as a uniform, the reference uses it as is,
// so every backend steps with the same rate. `iterations` is the number of updates done
// before this one (Keras' optimizer.iterations), which a checkpoint keeps as its step count.

import type { LearningRateSpec, ScheduleSpec } from '../../format/spec';

type Of<K extends ScheduleSpec['kind']> = Extract<ScheduleSpec, { kind: K }>;

function exponential(s: Of<'exponentialDecay'>, step: number): number {
  const p = step / s.decaySteps;
  return s.initialLearningRate * s.decayRate ** (s.staircase ? Math.floor(p) : p);
}

/** values[i] while step <= boundaries[i]; the last value after the last boundary. */
function piecewise(s: Of<'piecewiseConstantDecay'>, step: number): number {
  const i = s.boundaries.findIndex((b) => step <= b);
  return s.values[i === -1 ? s.values.length - 1 : i];
}

function cosine(s: Of<'cosineDecay'>, step: number): number {
  const decayed = (t: number, from: number): number => from * ((1 - s.alpha) * 0.5 * (1 + Math.cos(Math.PI * (t / s.decaySteps))) + s.alpha);
  if (s.warmupTarget === null) return decayed(Math.min(step, s.decaySteps), s.initialLearningRate);
  const t = Math.min(step, s.decaySteps + s.warmupSteps);
  if (t < s.warmupSteps) return (s.warmupTarget - s.initialLearningRate) * (t / s.warmupSteps) + s.initialLearningRate;
  return decayed(t - s.warmupSteps, s.warmupTarget);
}

/** The learning rate of the update that follows `iterations` earlier ones. */
export function learningRateAt(lr: LearningRateSpec, iterations: number): number {
  if (!Number.isInteger(iterations) || iterations < 0) throw new Error(`learning rate: iterations ${iterations} must be a whole number >= 0`);
  if (typeof lr === 'number') return lr;
  switch (lr.kind) {
    case 'exponentialDecay': return exponential(lr, iterations);
    case 'piecewiseConstantDecay': return piecewise(lr, iterations);
    case 'cosineDecay': return cosine(lr, iterations);
  }
}
