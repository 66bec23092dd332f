// compareWithReference is the oracle of the random-model property and of `nnc check
// --backends`, so it is checked on backends with a known fault: a reference engine with
// one value changed after the fact, or built from a graph with a wrong gradient rule.
// Each must be reported at the right phase, quantity, parameter and index, and the
// reference itself must pass.

import { strict as assert } from 'node:assert';
import { adam, constant, conv2d, dense, flatten, maxPool2d, prelu, sgd } from '../../compiler/dsl/index';
import type { OptimizerSpec } from '../../compiler/dsl/spec';
import { getOp } from '../../compiler/ops/index';
import type { OpDef } from '../../compiler/ops/op';
import type { CompiledModel } from '../../compiler/pipeline';
import type { BatchResult, Engine, TrainingState } from '../../runtime/engine';
import { compareWithReference, formatMismatch, unravel } from '../../testing/check-backends';
import { createReferenceEngine } from '../../testing/reference-engine';
import { compileSmallModel, seededSpec } from '../support/models';

function model(optimizer: OptimizerSpec = adam()): CompiledModel {
  const m = compileSmallModel({
    ...seededSpec([6, 6, 2], [
      conv2d({ filters: 2, kernelSize: 3 }), prelu({ alphaInitializer: constant(0.25), sharedAxes: [1, 2] }), maxPool2d({ poolSize: 2 }),
      flatten(), dense({ units: 3, activation: 'softmax' }),
    ], 3),
    optimizer,
  });
  assert.ok(m);
  return m;
}

interface Faults {
  /** Changes the engine's state after training step `step` (1-based). */
  readonly afterStep?: { readonly step: number; readonly change: (s: TrainingState) => void };
  readonly loss?: (r: BatchResult) => BatchResult;
  readonly predict?: (p: Float32Array) => void;
}

/** A reference engine with the given faults, standing in for a compiled backend. */
function faulty(inner: Engine, f: Faults): Engine {
  let steps = 0;
  return {
    ...inner,
    description: 'faulty',
    trainStep(x, labels, batch, seed) {
      const r = inner.trainStep(x, labels, batch, seed);
      steps++;
      if (f.afterStep && f.afterStep.step === steps) {
        const s = inner.getState();
        f.afterStep.change(s);
        inner.setState(s);
      }
      return f.loss ? f.loss(r) : r;
    },
    predict(x, batch) {
      const p = inner.predict(x, batch);
      f.predict?.(p);
      return p;
    },
    getState: () => inner.getState(),
    setState: (s) => inner.setState(s),
    evaluate: (x, labels, batch) => inner.evaluate(x, labels, batch),
  };
}

const tensorNamed = (s: TrainingState, name: string): Float32Array => {
  const t = [...s.params, ...s.slots].find((x) => x.name === name);
  assert.ok(t, name);
  return t.data;
};

describe('testing/check-backends compareWithReference', () => {
  it('passes the reference against itself, counting every value it compared (Adam and SGD with momentum)', () => {
    for (const opt of [adam(), sgd({ momentum: 0.9, nesterov: true })]) {
      const m = model(opt);
      const r = compareWithReference(m, createReferenceEngine(m, 5), { seed: 5, batch: 3 });
      assert.equal(r.mismatch, null, r.mismatch ? formatMismatch(r.mismatch) : '');
      const slots = opt.kind === 'adam' ? 2 : 1;
      // 5 params (conv kernel and bias, alpha, dense kernel and bias) over 2 steps; outputs at batches 3 and 5.
      assert.equal(m.paramInfo.length, 5);
      assert.deepEqual(r.compared, { losses: 4, gradients: 10, weights: 10, slots: 10 * slots, outputs: (3 + 5) * 3 });
    }
  });

  it('names the parameter and index of a wrong gradient (PReLU\'s dalpha from the wrong side), loss still right', () => {
    const def = getOp('prelu') as { grad?: OpDef['grad'] };
    const original = def.grad;
    let wrong: CompiledModel;
    def.grad = (ctx) => {
      const [dx] = (original as NonNullable<OpDef['grad']>)(ctx);
      const { b, node, dy } = ctx;
      const [x, alpha] = node.inputs;
      const positive = b.emit('maximum', [x, b.emit('constant', [], { value: 0, shape: [] })]);
      return [dx, b.emit('sumTo', [b.emit('mul', [dy, positive])], { shape: b.type(alpha).shape })];
    };
    try {
      wrong = model();
    } finally {
      def.grad = original;
    }
    const right = model();
    const r = compareWithReference(right, createReferenceEngine(wrong, 2), { seed: 2, batch: 3 });
    assert.ok(r.mismatch);
    assert.deepEqual([r.mismatch.phase, r.mismatch.quantity, r.mismatch.name, r.mismatch.index.length], ['step 1', 'gradient', 'prelu_1.alpha', 3]);
  });

  it('names a weight changed by half a learning rate, at its index and step', () => {
    const m = model();
    const r = compareWithReference(m, faulty(createReferenceEngine(m, 1), {
      afterStep: { step: 2, change: (s) => { tensorNamed(s, 'dense_1.bias')[2] += 5e-4; } },
    }), { seed: 1, batch: 3 });
    assert.ok(r.mismatch);
    assert.deepEqual([r.mismatch.phase, r.mismatch.quantity, r.mismatch.name, r.mismatch.index], ['step 2', 'weight', 'dense_1.bias', [2]]);
  });

  it('names an optimizer slot the step left wrong (Adam\'s v holding m)', () => {
    const m = model();
    const r = compareWithReference(m, faulty(createReferenceEngine(m, 1), {
      afterStep: { step: 1, change: (s) => { tensorNamed(s, 'adam.v:conv2d_1.kernel').set(tensorNamed(s, 'adam.m:conv2d_1.kernel')); } },
    }), { seed: 1, batch: 3 });
    assert.ok(r.mismatch);
    assert.deepEqual([r.mismatch.phase, r.mismatch.quantity, r.mismatch.name, r.mismatch.index], ['step 1', 'optimizer slot', 'adam.v:conv2d_1.kernel', [0, 0, 0, 0]]);
  });

  it('reports a loss off by 0.1% and a prediction off by 1e-3', () => {
    const m = model();
    const loss = compareWithReference(m, faulty(createReferenceEngine(m, 1), { loss: (x) => ({ ...x, loss: x.loss * 1.001 }) }), { seed: 1, batch: 3 });
    assert.deepEqual([loss.mismatch?.phase, loss.mismatch?.quantity], ['step 1', 'loss']);
    const probs = compareWithReference(m, faulty(createReferenceEngine(m, 1), { predict: (p) => { p[4] += 1e-3; } }), { seed: 1, batch: 3 });
    assert.deepEqual([probs.mismatch?.phase, probs.mismatch?.quantity, probs.mismatch?.name, probs.mismatch?.index], ['inference', 'prediction', 'probs', [1, 1]]);
  });

  it('reports initial weights drawn from another seed', () => {
    const m = model();
    const r = compareWithReference(m, createReferenceEngine(m, 2), { seed: 1, batch: 3 });
    assert.deepEqual([r.mismatch?.phase, r.mismatch?.quantity, r.mismatch?.name], ['initial weights', 'initial weight', 'conv2d_1.kernel']);
  });

  it('does not judge a model the reference runs beyond float32\'s range, and says why', () => {
    // Sigmoid outputs of about 1e-42 (logits near -95): Keras' cross-entropy divides by their
    // sum, so its gradient reaches 1e41, which float32 cannot hold. Found by the random models.
    const m = compileSmallModel({
      ...seededSpec([14, 15, 3], [flatten(), dense({ units: 11, activation: 'sigmoid', kernelInitializer: constant(-0.3) })], 3),
      optimizer: adam({ epsilon: 0.001 }),
    });
    assert.ok(m);
    const r = compareWithReference(m, createReferenceEngine(m, 4), { seed: 4, batch: 3 });
    assert.equal(r.mismatch, null);
    assert.match(r.notComparable ?? '', /^step 1: the reference computes \S+e\+\d+, beyond float32's range \(3\.4e\+38\): the model overflows in float32$/);
  });

  it('formats a mismatch as one line naming the step, the value and its index', () => {
    assert.equal(formatMismatch({ phase: 'step 1', quantity: 'gradient', name: 'dense_1.kernel', index: [3, 1], got: 0.0123, want: 0.0456, tolerance: 1.23e-5 }),
      'step 1: gradient dense_1.kernel[3,1]: 0.0123000 where the reference has 0.0456000 (tolerance 1.2e-5)');
    assert.equal(formatMismatch({ phase: 'step 2', quantity: 'loss', name: 'loss', index: [], got: 1.5, want: 1.25, tolerance: 1e-4 }),
      'step 2: loss: 1.50000 where the reference has 1.25000 (tolerance 1.0e-4)');
    assert.deepEqual(unravel(23, [2, 3, 4]), [1, 2, 3]);
    assert.deepEqual(unravel(0, []), []);
  });
});
