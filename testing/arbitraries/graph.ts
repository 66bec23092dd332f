// fast-check arbitraries for small, well-typed graphs with feeds: random DAGs of pointwise
// ops (what elementwise fusion must keep equal), and the conv/dense blocks whose epilogues
// the fusion pass swallows (bias add, PReLU or ReLU, pooling). Each graph has outputs `y`
// (the last value) and `loss` (a scalar mean of y^2), so it serves forward comparisons and
// gradient checks alike. Shapes are tiny: the reference interpreter is the oracle.

import fc from 'fast-check';
import { GraphBuilder } from '../../compiler/ir/builder';
import type { Tensor } from '../../compiler/ir/tensor';
import type { Attrs, Graph } from '../../compiler/ir/types';
import { getOp } from '../../compiler/ops/index';
import type { PaddingMode } from './tensor';
import { convCaseArb, tensorArb } from './tensor';

export interface GraphCase {
  readonly graph: Graph;
  /** Values for every input and param, keyed by name; the first axis of `x` is the batch N. */
  readonly feeds: Record<string, Tensor>;
}

/** Smooth pointwise ops: safe for finite differences anywhere. */
export const SMOOTH_POINTWISE = ['add', 'sub', 'mul', 'neg', 'tanh', 'sigmoid'] as const;
/** Ops with kinks or ties: fine for forward comparisons, not for finite differences. */
export const KINKED_POINTWISE = ['relu', 'abs', 'maximum', 'minimum', 'prelu', 'leakyRelu', 'elu'] as const;

const ATTRS: Readonly<Record<string, Attrs>> = { leakyRelu: { alpha: 0.2 }, elu: { alpha: 1 } };

export interface PointwiseOptions {
  /** Op names to draw from (unary or binary pointwise ops; default SMOOTH_POINTWISE). */
  readonly ops?: readonly string[];
  /** Nodes after the inputs (default 1..6). */
  readonly maxNodes?: number;
  /** Shape of x without the batch axis (default [3]). */
  readonly shape?: readonly number[];
  readonly maxBatch?: number;
}

interface Step { readonly op: string; readonly picks: readonly number[] }

/**
 * A random DAG over x (f32[N, ...shape]) and a param `p` broadcast along the last axis:
 * each node applies a drawn op to earlier values chosen at random.
 */
export function pointwiseGraphArb(opts: PointwiseOptions = {}): fc.Arbitrary<GraphCase> {
  const ops = opts.ops ?? SMOOTH_POINTWISE;
  const shape = opts.shape ?? [3];
  const step: fc.Arbitrary<Step> = fc.record({ op: fc.constantFrom(...ops), picks: fc.array(fc.nat(), { minLength: 2, maxLength: 2 }) });
  const pShape = shape.length > 0 ? [shape[shape.length - 1]] : [];
  return fc.tuple(fc.integer({ min: 1, max: opts.maxBatch ?? 2 }), fc.array(step, { minLength: 1, maxLength: opts.maxNodes ?? 6 }))
    .chain(([batch, steps]) => fc.record({ x: tensorArb([batch, ...shape], { min: -1.5, max: 1.5 }), p: tensorArb(pShape, { min: -1, max: 1 }) })
      .map((feeds) => ({ graph: pointwiseGraph(shape, pShape, steps), feeds })));
}

function pointwiseGraph(shape: readonly number[], pShape: readonly number[], steps: readonly Step[]): Graph {
  const b = new GraphBuilder();
  const values = [b.input('x', { shape: ['N', ...shape], dtype: 'f32' }), b.param('p', { shape: pShape, dtype: 'f32' }, { init: { kind: 'zeros' } })];
  for (const s of steps) {
    const def = getOp(s.op);
    // The first operand is always a full-shaped value, so prelu's alpha can be anything.
    const full = values.filter((v) => b.type(v).shape.length === shape.length + 1);
    const inputs = [full[s.picks[0] % full.length], values[s.picks[1] % values.length]].slice(0, def.arity);
    values.push(b.emit(s.op, inputs, ATTRS[s.op] ?? {}));
  }
  return finish(b, values[values.length - 1]);
}

/** Outputs y and loss = mean(y^2) over every axis. */
function finish(b: GraphBuilder, y: number): Graph {
  b.output('y', y);
  b.output('loss', b.emit('reduceMean', [b.emit('square', [y])], { keepDims: false }));
  return b.build();
}

export type Activation = 'none' | 'relu' | 'prelu';

export interface ConvBlockCase extends GraphCase {
  readonly activation: Activation;
  readonly pool: boolean;
  readonly padding: PaddingMode;
}

// alpha > 0: at alpha = 0 PReLU feeds ties (zeros) into max pooling, a real kink in alpha.
const ALPHA = { min: 0.05, max: 0.5 };

const activationArb: fc.Arbitrary<Activation> = fc.constantFrom('none', 'relu', 'prelu');

/** conv2d -> bias add -> activation -> optional 2x2 max pool (when it fits): the seed model's block. */
export function convBlockArb(): fc.Arbitrary<ConvBlockCase> {
  return fc.tuple(convCaseArb({ maxSize: 5 }), activationArb, fc.boolean()).chain(([c, activation, wantPool]) => {
    const b = new GraphBuilder();
    const x = b.input('x', { shape: ['N', ...c.x.slice(1)], dtype: 'f32' });
    const w = b.param('w', { shape: c.w, dtype: 'f32' }, { init: { kind: 'glorotUniform' } });
    const bias = b.param('bias', { shape: [c.w[3]], dtype: 'f32' }, { init: { kind: 'zeros' } });
    let y = b.emit('add', [b.emit('conv2d', [x, w], { strides: c.strides, padding: c.padding }), bias]);
    const yShape = b.type(y).shape;
    const alphaShape = [1, 1, c.w[3]];
    if (activation === 'relu') y = b.emit('relu', [y]);
    if (activation === 'prelu') y = b.emit('prelu', [y, b.param('alpha', { shape: alphaShape, dtype: 'f32' }, { init: { kind: 'constant', value: 0.25 } })]);
    const pool = wantPool && Number(yShape[1]) >= 2 && Number(yShape[2]) >= 2;
    if (pool) y = b.emit('maxPool2d', [y], { poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
    const graph = finish(b, y);
    const params = { x: tensorArb(c.x), w: tensorArb(c.w, { min: -1, max: 1 }), bias: tensorArb([c.w[3]], { min: -0.5, max: 0.5 }) };
    const feeds = activation === 'prelu' ? fc.record({ ...params, alpha: tensorArb(alphaShape, ALPHA) }) : fc.record(params);
    return feeds.map((f): ConvBlockCase => ({ graph, feeds: f, activation, pool, padding: c.padding }));
  });
}

export interface DenseBlockCase extends GraphCase {
  readonly activation: Activation;
}

/** matmul -> bias add -> activation: a dense layer. */
export function denseBlockArb(): fc.Arbitrary<DenseBlockCase> {
  const dim = fc.integer({ min: 1, max: 5 });
  return fc.tuple(fc.integer({ min: 1, max: 3 }), dim, dim, activationArb).chain(([batch, inputs, units, activation]) => {
    const b = new GraphBuilder();
    const x = b.input('x', { shape: ['N', inputs], dtype: 'f32' });
    const w = b.param('w', { shape: [inputs, units], dtype: 'f32' }, { init: { kind: 'glorotUniform' } });
    const bias = b.param('bias', { shape: [units], dtype: 'f32' }, { init: { kind: 'zeros' } });
    let y = b.emit('add', [b.emit('matmul', [x, w], { transposeA: false, transposeB: false }), bias]);
    if (activation === 'relu') y = b.emit('relu', [y]);
    if (activation === 'prelu') y = b.emit('prelu', [y, b.param('alpha', { shape: [units], dtype: 'f32' }, { init: { kind: 'constant', value: 0.25 } })]);
    const graph = finish(b, y);
    const params = { x: tensorArb([batch, inputs]), w: tensorArb([inputs, units], { min: -1, max: 1 }), bias: tensorArb([units], { min: -0.5, max: 0.5 }) };
    const feeds = activation === 'prelu' ? fc.record({ ...params, alpha: tensorArb([units], ALPHA) }) : fc.record(params);
    return feeds.map((f): DenseBlockCase => ({ graph, feeds: f, activation }));
  });
}
