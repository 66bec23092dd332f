// batchNormalization's lowering: in training, the output normalised by the batch's mean and
// biased variance (computed here by loops over the batch, an oracle independent of the IR),
// the moving statistics' new values as the graph outputs state:<name>, and a gradient through
// the batch statistics equal to central finite differences; in inference, the moving
// statistics; axes other than the last refused with the layer named.

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { batchNormalization, conv2d, dense, flatten, mnist, adam, relu } from '../../../compiler/dsl/index';
import type { BatchNormalizationSpec, ModelSpec } from '../../../compiler/dsl/spec';
import { GraphBuilder } from '../../../compiler/ir/builder';
import { interpret } from '../../../compiler/ir/interpret';
import type { Tensor } from '../../../compiler/ir/tensor';
import type { Graph } from '../../../compiler/ir/types';
import { lowerBatchNormalization } from '../../../compiler/lower/batch-normalization';
import { compileSpec, fused } from '../../../compiler/pipeline';
import { checkGraphGradients, formatGradCheckReport } from '../../../testing/gradcheck';
import { tensorArb } from '../../../testing/arbitraries/tensor';

interface Case {
  readonly layer: BatchNormalizationSpec;
  /** [batch, ...inner, channels]. */
  readonly shape: readonly number[];
  readonly x: Tensor;
  readonly gamma: Tensor;
  readonly beta: Tensor;
  readonly mean: Tensor;
  readonly variance: Tensor;
}

function layerGraph(c: Case, mode: 'train' | 'infer'): Graph {
  const b = new GraphBuilder();
  const x = b.input('x', { shape: ['N', ...c.shape.slice(1)], dtype: 'f32' });
  b.output('y', lowerBatchNormalization({ b, mode, name: 'bn' }, x, c.layer));
  return b.build();
}

function feeds(c: Case): Record<string, Tensor> {
  const f: Record<string, Tensor> = { x: c.x, 'bn.moving_mean': c.mean, 'bn.moving_variance': c.variance };
  if (c.layer.scale) f['bn.gamma'] = c.gamma;
  if (c.layer.center) f['bn.beta'] = c.beta;
  return f;
}

const arbCase: fc.Arbitrary<Case> = fc.record({
  inner: fc.constantFrom([], [2], [2, 3]),
  batch: fc.integer({ min: 2, max: 4 }),
  channels: fc.integer({ min: 1, max: 3 }),
  momentum: fc.constantFrom(0.99, 0.9, 0),
  epsilon: fc.constantFrom(1e-3, 0.1),
  center: fc.boolean(),
  scale: fc.boolean(),
}).chain((o) => {
  const shape = [o.batch, ...o.inner, o.channels];
  const channel = (min: number, max: number): fc.Arbitrary<Tensor> => tensorArb([o.channels], { min, max });
  return fc.record({ x: tensorArb(shape, { min: -2, max: 2 }), gamma: channel(-2, 2), beta: channel(-1, 1), mean: channel(-1, 1), variance: channel(0.1, 2) })
    .map((t): Case => ({ layer: batchNormalization({ momentum: o.momentum, epsilon: o.epsilon, center: o.center, scale: o.scale }), shape, ...t }));
});

/** Per channel: the mean and biased variance of x over every other axis. */
function batchStatistics(c: Case): { mean: number[]; variance: number[] } {
  const channels = c.shape[c.shape.length - 1];
  const rows = c.x.data.length / channels;
  const column = (k: number): number[] => Array.from({ length: rows }, (_, r) => c.x.data[r * channels + k]);
  const mean = Array.from({ length: channels }, (_, k) => column(k).reduce((a, v) => a + v, 0) / rows);
  const variance = mean.map((m, k) => column(k).reduce((a, v) => a + (v - m) ** 2, 0) / rows);
  return { mean, variance };
}

function normalised(c: Case, mean: readonly number[], variance: readonly number[]): number[] {
  const channels = c.shape[c.shape.length - 1];
  return Array.from(c.x.data, (v, i) => {
    const k = i % channels;
    const g = c.layer.scale ? c.gamma.data[k] : 1;
    const b = c.layer.center ? c.beta.data[k] : 0;
    return ((v - mean[k]) / Math.sqrt(variance[k] + c.layer.epsilon)) * g + b;
  });
}

function close(got: ArrayLike<number>, want: readonly number[], what: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-9 * (1 + Math.abs(want[i])), `${what}[${i}]: ${got[i]} != ${want[i]}`);
}

describe('lower/batch-normalization', () => {
  it('training: normalises with the batch statistics and outputs the moving statistics Keras would keep', () => {
    fc.assert(fc.property(arbCase, (c) => {
      const { outputs } = interpret(layerGraph(c, 'train'), feeds(c));
      const { mean, variance } = batchStatistics(c);
      close(outputs.y.data, normalised(c, mean, variance), 'y');
      const m = c.layer.momentum;
      close(outputs['state:bn.moving_mean'].data, mean.map((v, k) => m * c.mean.data[k] + (1 - m) * v), 'moving mean');
      close(outputs['state:bn.moving_variance'].data, variance.map((v, k) => m * c.variance.data[k] + (1 - m) * v), 'moving variance');
    }), { numRuns: 60 });
  });

  it('inference: normalises with the moving statistics, and updates nothing', () => {
    fc.assert(fc.property(arbCase, (c) => {
      const graph = layerGraph(c, 'infer');
      assert.deepEqual(Object.keys(graph.outputs), ['y']);
      close(interpret(graph, feeds(c)).outputs.y.data, normalised(c, Array.from(c.mean.data), Array.from(c.variance.data)), 'y');
    }), { numRuns: 60 });
  });

  it('training: the gradient (x through the batch statistics, gamma, beta) equals central finite differences', () => {
    fc.assert(fc.property(arbCase, (c) => {
      const wrt = ['x', ...(c.layer.scale ? ['bn.gamma'] : []), ...(c.layer.center ? ['bn.beta'] : [])];
      const report = checkGraphGradients(layerGraph(c, 'train'), feeds(c), { output: 'y', wrt });
      assert.ok(report.passed, formatGradCheckReport(report));
    }), { numRuns: 40 });
  });

  it('keeps the moving statistics out of the gradients: params not trainable, no grad: outputs', () => {
    const spec: ModelSpec = {
      name: 'bn', input: [3], layers: [batchNormalization(), flatten(), dense({ units: 2, activation: 'softmax' })], loss: 'categoricalCrossentropy',
      optimizer: adam(), metrics: [], fit: { batchSize: 2, epochs: 1, validationSplit: 0, shuffle: false, seed: 1 }, data: mnist(),
    };
    const m = compileSpec(spec);
    assert.deepEqual(m.stateInfo.map((s) => [s.name, s.initializer.kind]), [['batch_normalization_1.moving_mean', 'zeros'], ['batch_normalization_1.moving_variance', 'ones']]);
    assert.deepEqual(m.paramInfo.map((p) => [p.name, p.initializer.kind]).slice(0, 2), [['batch_normalization_1.gamma', 'ones'], ['batch_normalization_1.beta', 'zeros']]);
    assert.deepEqual(Object.keys(m.training.outputs).filter((o) => o.includes('moving')).sort(), ['state:batch_normalization_1.moving_mean', 'state:batch_normalization_1.moving_variance']);
    assert.equal(m.paramCount, 3 * 4 + 3 * 2 + 2);
  });

  it('inference: the fuse pass puts x * scale + shift into the conv2d\'s and matmul\'s own kernel (epilogue), the scale and shift in a per-channel kernel', () => {
    const spec: ModelSpec = {
      name: 'bn', input: [5, 5, 2], loss: 'categoricalCrossentropy', optimizer: adam(), metrics: [], data: mnist(),
      fit: { batchSize: 2, epochs: 1, validationSplit: 0, shuffle: false, seed: 1 },
      layers: [conv2d({ filters: 3, kernelSize: 2, useBias: false }), batchNormalization(), relu(), flatten(), dense({ units: 4 }), batchNormalization({ center: false }), dense({ units: 2, activation: 'softmax' })],
    };
    const { infer } = fused(compileSpec(spec));
    const op = (id: number): string => infer.graph.nodes.find((n) => n.id === id)?.op ?? '?';
    const anchors = infer.kernels.filter((k) => k.kind === 'anchor').map((k) => k.nodes.map(op).join(' '));
    assert.equal(anchors[0], 'conv2d mul add relu');
    // dense's bias, then the scale and the shift (-mean * scale without center).
    assert.equal(anchors[1], 'matmul add mul add');
    // The per-channel values: sqrt and div run over [channels], never over the batch.
    for (const k of infer.kernels.filter((kk) => kk.nodes.some((n) => op(n) === 'sqrt'))) {
      assert.ok(k.nodes.every((n) => !infer.graph.nodes.find((m) => m.id === n)?.type.shape.includes('N')), 'the scale is computed per example');
    }
  });

  it('refuses an axis other than the last, naming the layer and the axes it could use', () => {
    const spec = (axis: number): ModelSpec => ({
      name: 'bn', input: [4, 4, 2], layers: [batchNormalization({ axis }), flatten(), dense({ units: 2, activation: 'softmax' })], loss: 'categoricalCrossentropy',
      optimizer: adam(), metrics: [], fit: { batchSize: 2, epochs: 1, validationSplit: 0, shuffle: false, seed: 1 }, data: mnist(),
    });
    assert.throws(() => compileSpec(spec(1)), /^LowerError: layer 1 \(batchNormalization\): batchNormalization normalises the last \(channels\) axis only: axis 1 of input \[N,4,4,2\] is not it \(use -1 or 3\)$/);
    assert.doesNotThrow(() => compileSpec(spec(3)));
    assert.doesNotThrow(() => compileSpec(spec(-1)));
    assert.throws(() => batchNormalization({ axis: 0 }), /axis/);
    assert.throws(() => batchNormalization({ momentum: 1.5 }), /momentum/);
    assert.throws(() => batchNormalization({ epsilon: 0 }), /epsilon/);
  });
});
