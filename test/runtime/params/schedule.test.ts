// Learning-rate schedules against values worked out by hand from Keras 3's definitions.

import { strict as assert } from 'node:assert';
import { cosineDecay, exponentialDecay, piecewiseConstantDecay } from '../../../compiler/dsl/index';
import { learningRateAt } from '../../../runtime/params/schedule';
import { kerasSchedule } from '../../support/keras-optimizers';

const near = (got: number, want: number): void => assert.ok(Math.abs(got - want) <= 1e-15 + 1e-12 * Math.abs(want), `${got} vs ${want}`);

describe('learning-rate schedules', () => {
  it('exponentialDecay: 0.1 * 0.5^(step / 2), the exponent floored with staircase', () => {
    const smooth = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 });
    const stairs = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5, staircase: true });
    [0.1, 0.1 / Math.SQRT2, 0.05, 0.05 / Math.SQRT2, 0.025].forEach((want, step) => near(learningRateAt(smooth, step), want));
    [0.1, 0.1, 0.05, 0.05, 0.025].forEach((want, step) => near(learningRateAt(stairs, step), want));
  });

  it('piecewiseConstantDecay: values[i] up to and including boundaries[i]', () => {
    const s = piecewiseConstantDecay({ boundaries: [2, 5], values: [1, 0.5, 0.1] });
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 100].map((t) => learningRateAt(s, t)), [1, 1, 1, 0.5, 0.5, 0.5, 0.1, 0.1]);
  });

  it('cosineDecay: half a cosine from the rate to alpha times it, held after decaySteps', () => {
    const s = cosineDecay({ initialLearningRate: 1, decaySteps: 4, alpha: 0.2 });
    // step 2 of 4: cos(pi/2) = 0, so 0.8 * 0.5 + 0.2; step 1: 0.8 * (1 + cos(pi/4))/2 + 0.2.
    [1, 0.8 * (1 + Math.SQRT1_2) / 2 + 0.2, 0.6, 0.8 * (1 - Math.SQRT1_2) / 2 + 0.2, 0.2, 0.2].forEach((want, step) => near(learningRateAt(s, step), want));
  });

  it('cosineDecay with warm-up: linear from initialLearningRate to warmupTarget, then the cosine from there', () => {
    const s = cosineDecay({ initialLearningRate: 0, decaySteps: 2, alpha: 0, warmupTarget: 0.4, warmupSteps: 4 });
    [0, 0.1, 0.2, 0.3, 0.4, 0.2, 0, 0].forEach((want, step) => near(learningRateAt(s, step), want));
  });

  it('equals the Keras oracle over many steps', () => {
    const pairs = [
      [exponentialDecay({ initialLearningRate: 0.3, decaySteps: 7, decayRate: 0.9, staircase: true }), { kind: 'ExponentialDecay', initial_learning_rate: 0.3, decay_steps: 7, decay_rate: 0.9, staircase: true }],
      [cosineDecay({ initialLearningRate: 0.01, decaySteps: 30, alpha: 0.05, warmupTarget: 0.1, warmupSteps: 10 }), { kind: 'CosineDecay', initial_learning_rate: 0.01, decay_steps: 30, alpha: 0.05, warmup_target: 0.1, warmup_steps: 10 }],
    ] as const;
    for (const [ours, keras] of pairs) for (let t = 0; t < 60; t++) near(learningRateAt(ours, t), kerasSchedule(keras as never, t));
  });

  it('refuses bad options in one line naming the option', () => {
    assert.throws(() => piecewiseConstantDecay({ boundaries: [3, 3], values: [1, 2, 3] }), /piecewiseConstantDecay: 'boundaries\[1\]' must be greater than the boundary before it \(3\), got 3/);
    assert.throws(() => piecewiseConstantDecay({ boundaries: [3], values: [1] }), /'values' must be an array of 2 learning rates/);
    assert.throws(() => cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, warmupSteps: 5 }), /'warmupSteps' needs warmupTarget/);
    assert.throws(() => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 }), /'decaySteps' must be a number in \(0, Infinity\)/);
  });
});
