// The compiled CPU update (update-regions.ts: the gradient-norm kernel, then the update kernel)
// against Keras 3's formulas (test/support/keras-optimizers.ts): RMSprop, AdamW, every
// clipping, over three steps of a region holding three params, on 1 to 4 thread splits.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { OptimizerSpec } from '../../../../../format/spec';
import { adam, adamw, cosineDecay, rmsprop, sgd } from '../../../../../compiler/dsl/index';
import { emitUpdate, type UpdateLayout } from '../../../../../compiler/codegen/cpu/update-regions';
import { optimizerSlotNames } from '../../../../../format/optimizer-slots';
import { kerasSchedule, kerasStart, kerasStep, type KerasOptimizer } from '../../../../support/keras-optimizers';
import { firstMismatch, loadKernels } from './loopHarness';

const SIZES = [3, 6, 1];

/** Params back to back (each starting at a multiple of 4 elements), then grads, then each slot, then lr, step and the norms. */
function layout(spec: OptimizerSpec): { u: UpdateLayout; end: number } {
  const offsets: number[] = [];
  let at = 0;
  for (const n of SIZES) { offsets.push(at); at += 16 * Math.ceil(n / 4); }
  const region = at;
  const slots = optimizerSlotNames(spec);
  const base = (k: number): number => k * region;
  const lrSlot = base(2 + slots.length);
  return {
    u: {
      count: region / 4, params: base(0), grads: base(1), slots: new Map(slots.map((s, k) => [s, base(2 + k)])),
      lrSlot, stepSlot: lrSlot + 4, paramOffsets: offsets, paramSizes: SIZES, gradNorms: lrSlot + 8,
    },
    end: lrSlot + 8 + 8 * SIZES.length,
  };
}

const values = (n: number): fc.Arbitrary<number[]> => fc.array(fc.double({ min: -2, max: 2, noNaN: true }).map(Math.fround), { minLength: n, maxLength: n });
const step = fc.tuple(...SIZES.map(values));

async function check(spec: OptimizerSpec, keras: KerasOptimizer): Promise<void> {
  await fc.assert(fc.asyncProperty(step, fc.array(step, { minLength: 3, maxLength: 3 }), fc.integer({ min: 1, max: 4 }), async (w0, grads, nth) => {
    const { u, end } = layout(spec);
    const kernels = emitUpdate(spec, u, 'update');
    const m = await loadKernels(kernels, end);
    w0.forEach((w, k) => m.f32(u.params + u.paramOffsets[k], w.length).set(w));
    const want = kerasStart(keras, w0);
    for (const g of grads) {
      g.forEach((x, k) => m.f32(u.grads + u.paramOffsets[k], x.length).set(x));
      m.i32(u.stepSlot, 1)[0] = want.iterations + 1;
      // The runtime writes the schedule's rate for this update; here the oracle's own schedule does.
      m.f32(u.lrSlot, 1)[0] = kerasSchedule(keras.learning_rate, want.iterations);
      // Every thread's share of one kernel, then the next: what the barrier between them guarantees.
      for (const kernel of kernels) for (let tid = 0; tid < nth; tid++) m.run(kernel.name, tid, nth);
      kerasStep(keras, want, g);
    }
    SIZES.forEach((n, k) => {
      assert.equal(firstMismatch(m.f32(u.params + u.paramOffsets[k], n), want.w[k], 1e-5, 1e-4), null, `param ${k}`);
      for (const [s, at] of u.slots) assert.equal(firstMismatch(m.f32(at + u.paramOffsets[k], n), want.slots[s][k], 1e-5, 1e-4), null, `${s} ${k}`);
    });
  }), { numRuns: 12 });
}

describe('codegen/cpu: the compiled update against Keras 3', () => {
  const base = { epsilon: 1e-7 };
  it('RMSprop, plain', () => check(rmsprop({ learningRate: 0.01, rho: 0.8 }), { name: 'rmsprop', learning_rate: 0.01, rho: 0.8, momentum: 0, ...base }));
  it('RMSprop, centred with momentum', () => check(rmsprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5, centered: true, epsilon: 1e-3 }),
    { name: 'rmsprop', learning_rate: 0.01, rho: 0.8, momentum: 0.5, centered: true, epsilon: 1e-3 }));
  it('AdamW', () => check(adamw({ learningRate: 0.05, weightDecay: 0.1 }), { name: 'adamw', learning_rate: 0.05, weight_decay: 0.1, beta_1: 0.9, beta_2: 0.999, ...base }));
  it('clipnorm (per param) with Adam', () => check(adam({ learningRate: 0.01, clipnorm: 0.5 }), { name: 'adam', learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, clipnorm: 0.5, ...base }));
  it('globalClipnorm with SGD and momentum', () => check(sgd({ learningRate: 0.1, momentum: 0.9, globalClipnorm: 0.7 }), { name: 'sgd', learning_rate: 0.1, momentum: 0.9, global_clipnorm: 0.7 }));
  it('AdamW on a cosine schedule with warm-up', () => check(adamw({ learningRate: cosineDecay({ initialLearningRate: 0, decaySteps: 2, warmupTarget: 0.05, warmupSteps: 1 }) }),
    { name: 'adamw', learning_rate: { kind: 'CosineDecay', initial_learning_rate: 0, decay_steps: 2, alpha: 0, warmup_target: 0.05, warmup_steps: 1 }, weight_decay: 0.004, beta_1: 0.9, beta_2: 0.999, ...base }));
  it('clipvalue with RMSprop', () => check(rmsprop({ learningRate: 0.01, clipvalue: 0.3 }), { name: 'rmsprop', learning_rate: 0.01, rho: 0.9, momentum: 0, clipvalue: 0.3, ...base }));

  it('adds no norm kernel without clipping by norm', () => {
    assert.deepEqual(emitUpdate(adam(), layout(adam()).u, 'update').map((k) => k.name), ['update']);
    assert.deepEqual(emitUpdate(adam({ clipvalue: 1 }), layout(adam()).u, 'update').map((k) => k.name), ['update']);
    assert.deepEqual(emitUpdate(sgd({ clipnorm: 1 }), layout(sgd()).u, 'update').map((k) => k.name), ['update_norms', 'update']);
  });
});
