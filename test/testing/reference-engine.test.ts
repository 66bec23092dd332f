// The reference Engine is the oracle the compiled backends are compared with, so its own
// plumbing is checked against the interpreter directly: a step is the training graph's
// gradient (same feeds, same dropout seed) put through Keras' update rule; evaluation and
// prediction are the inference graph; its state round-trips; constraints hold after a step.

import { strict as assert } from 'node:assert';
import { createReferenceEngine } from '../../testing/reference-engine';
import type { Engine } from '../../runtime/engine';
import { interpret } from '../../compiler/ir/interpret';
import { tensor, type Tensor } from '../../compiler/ir/tensor';
import type { CompiledModel } from '../../compiler/pipeline';
import type { LayerSpec, ModelSpec, OptimizerSpec } from '../../compiler/dsl/spec';
import { adam, constant, conv2d, dense, dropout, flatten, maxPool2d, nonNeg, prelu, sgd } from '../../compiler/dsl/index';
import { compileSmallModel, randomBatch, seededSpec, type Batch } from '../support/models';

function compiled(optimizer: OptimizerSpec, layers?: readonly LayerSpec[]): CompiledModel {
  const spec: ModelSpec = {
    ...seededSpec([6, 6, 2], layers ?? [
      conv2d({ filters: 2, kernelSize: 3 }), prelu({ alphaInitializer: constant(0.25) }), maxPool2d({ poolSize: 2 }),
      dropout({ rate: 0.5 }), flatten(), dense({ units: 3, activation: 'softmax' }),
    ], 3),
    optimizer,
  };
  const model = compileSmallModel(spec);
  assert.ok(model, 'the test model lowers');
  return model;
}

/** Feeds of the engine's current parameters and one batch, as the interpreter takes them. */
function feedsOf(model: CompiledModel, engine: Engine, b: Batch): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {
    x: tensor([b.batch, ...model.spec.input], b.x),
    labels: tensor([b.batch, engine.labelSize], b.labels),
  };
  for (const p of engine.getState().params) feeds[p.name] = tensor(p.shape, p.data);
  return feeds;
}

describe('runtime/backends/reference engine', () => {
  it('one SGD step moves each parameter by -lr times the training graph\'s gradient, masks from the step seed', () => {
    const model = compiled(sgd({ learningRate: 0.5 }));
    const engine = createReferenceEngine(model, 4);
    const b = randomBatch(model, 3, 1);
    const before = engine.getState().params;
    const expected = interpret(model.training, feedsOf(model, engine, b), { seed: 21 }).outputs;
    const result = engine.trainStep(b.x, b.labels, 3, 21);
    assert.equal(result.loss, expected.loss.data[0]);
    engine.getState().params.forEach((p, k) => {
      const g = expected[`grad:${p.name}`].data;
      p.data.forEach((v, i) => assert.equal(v, Math.fround(before[k].data[i] - 0.5 * g[i]), `${p.name}[${i}]`));
    });
    assert.equal(engine.getState().step, 1);
  });

  it('one Adam step from empty slots is Keras\' update, and the slots hold m and v', () => {
    const o = { learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-3 };
    const model = compiled(adam(o));
    const engine = createReferenceEngine(model, 2);
    const b = randomBatch(model, 3, 2);
    const before = engine.getState().params;
    const grads = interpret(model.training, feedsOf(model, engine, b), { seed: 5 }).outputs;
    engine.trainStep(b.x, b.labels, 3, 5);
    const state = engine.getState();
    const lrT = o.learningRate * Math.sqrt(1 - o.beta2) / (1 - o.beta1);
    state.params.forEach((p, k) => {
      const g = grads[`grad:${p.name}`].data;
      const m = state.slots.find((s) => s.name === `adam.m:${p.name}`);
      const v = state.slots.find((s) => s.name === `adam.v:${p.name}`);
      assert.ok(m && v, `slots of ${p.name}`);
      p.data.forEach((w, i) => {
        const mi = (1 - o.beta1) * g[i], vi = (1 - o.beta2) * g[i] * g[i];
        assert.ok(Math.abs(m.data[i] - mi) <= 1e-7 * (1 + Math.abs(mi)) && Math.abs(v.data[i] - vi) <= 1e-7 * (1 + vi), `${p.name}[${i}] slots`);
        const want = before[k].data[i] - lrT * mi / (Math.sqrt(vi) + o.epsilon);
        assert.ok(Math.abs(w - want) <= 1e-6 * (1 + Math.abs(want)), `${p.name}[${i}]: ${w}, expected ${want}`);
      });
    });
  });

  it('evaluate and predict run the inference graph (no dropout) and change nothing', () => {
    const model = compiled(adam());
    const engine = createReferenceEngine(model, 3);
    const b = randomBatch(model, 3, 3);
    const expected = interpret(model.forward, feedsOf(model, engine, b)).outputs;
    const state = engine.getState();
    assert.equal(engine.evaluate(b.x, b.labels, 3).loss, expected.loss.data[0]);
    assert.deepEqual(engine.predict(b.x, 3), Float32Array.from(expected.probs.data));
    assert.deepEqual(engine.getState(), state);
    const train = interpret(model.training, feedsOf(model, engine, b), { seed: 1 }).outputs.loss.data[0];
    assert.notEqual(train, expected.loss.data[0], 'the training loss (with dropout) differs from evaluation');
  });

  it('draws a step\'s dropout masks from its seed: same seed and state, same loss; another seed, another loss', () => {
    const model = compiled(adam());
    const engine = createReferenceEngine(model, 6);
    const b = randomBatch(model, 3, 4);
    const start = engine.getState();
    const first = engine.trainStep(b.x, b.labels, 3, 8).loss;
    engine.setState(start);
    assert.equal(engine.trainStep(b.x, b.labels, 3, 8).loss, first);
    engine.setState(start);
    assert.notEqual(engine.trainStep(b.x, b.labels, 3, 9).loss, first);
  });

  it('continues identically after getState/setState into a fresh engine', () => {
    const model = compiled(adam({ learningRate: 0.01 }));
    const batches = [0, 1, 2].map((s) => randomBatch(model, 3, 10 + s));
    const a = createReferenceEngine(model, 7);
    a.trainStep(batches[0].x, batches[0].labels, 3, 30);
    const saved = a.getState();
    const rest = batches.slice(1).map((b, s) => a.trainStep(b.x, b.labels, 3, 31 + s).loss);
    const b2 = createReferenceEngine(model, 99);
    b2.setState(saved);
    assert.deepEqual(batches.slice(1).map((b, s) => b2.trainStep(b.x, b.labels, 3, 31 + s).loss), rest);
    assert.deepEqual(b2.getState(), a.getState());
  });

  it('applies a parameter\'s constraint after each step', () => {
    const model = compiled(sgd({ learningRate: 5 }), [flatten(), dense({ units: 3, activation: 'softmax', kernelConstraint: nonNeg(), kernelInitializer: constant(0.01) })]);
    const engine = createReferenceEngine(model, 1);
    const b = randomBatch(model, 3, 5);
    engine.trainStep(b.x, b.labels, 3, 0);
    const kernel = engine.getState().params.find((p) => p.name.endsWith('.kernel'));
    assert.ok(kernel);
    assert.ok(kernel.data.every((v) => v >= 0), 'nonNeg kernel has a negative weight');
    assert.ok(kernel.data.some((v) => v === 0), 'a large step pushed some weights below zero before the constraint');
  });
});
