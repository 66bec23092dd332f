// Small random well-typed graphs, built with GraphBuilder from a list of random steps.
// Each step names an op family and a few random numbers; a step whose shapes do not fit
// (the op's shape rule throws ShapeError) is skipped, so every graph is well typed by
// construction and covers broadcasting, reductions, movement, windows and contractions.

import fc from 'fast-check';
import { GraphBuilder } from '../../../compiler/ir/builder';
import { Rng } from '../../../format/rng';
import type { Tensor } from '../../../compiler/ir/tensor';
import { tensor } from '../../../compiler/ir/tensor';
import type { Attrs, Dim, Graph, Shape } from '../../../compiler/ir/types';
import { bindShape } from '../../../compiler/ir/types';
import { ShapeError } from '../../../compiler/ops/op';

interface Step {
  readonly family: Family;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly flag: boolean;
}

type Family = 'unary' | 'binary' | 'prelu' | 'reduce' | 'softmax' | 'transpose' | 'reshape' | 'matmul' | 'conv' | 'pool' | 'sumTo' | 'where';

const FAMILIES: readonly Family[] = ['unary', 'binary', 'prelu', 'reduce', 'softmax', 'transpose', 'reshape', 'matmul', 'conv', 'pool', 'sumTo', 'where'];
const UNARY = ['relu', 'neg', 'exp', 'tanh', 'sigmoid', 'abs', 'square', 'leakyRelu', 'elu'] as const;
const BINARY = ['add', 'sub', 'mul', 'maximum', 'minimum', 'div'] as const;

class Construction {
  readonly b = new GraphBuilder();
  readonly values: number[] = [];
  private params = 0;

  pick(k: number): number {
    return this.values[k % this.values.length];
  }

  shape(id: number): Shape {
    return this.b.type(id).shape;
  }

  param(shape: readonly number[]): number {
    return this.b.param(`p${this.params++}`, { shape: [...shape], dtype: 'f32' }, { init: { kind: 'zeros' } });
  }

  emit(op: string, inputs: readonly number[], attrs: Attrs = {}): number {
    return this.b.emit(op, inputs, attrs);
  }
}

/** Static dims of `shape` after the batch axis (null when some other axis is N). */
function staticTail(shape: Shape): number[] | null {
  const tail = shape[0] === 'N' ? shape.slice(1) : [...shape];
  return tail.every((d): d is number => d !== 'N') ? tail : null;
}

/** `shape` with the dims picked by the bits of `mask` set to 1. */
function onesWhere(shape: readonly number[], mask: number): number[] {
  return shape.map((d, k) => ((mask >> k) & 1 ? 1 : d));
}

function permutation(rank: number, seed: number): number[] {
  const rng = new Rng(seed);
  return [...rng.permutation(rank)];
}

const RULES: { readonly [F in Family]: (g: Construction, s: Step) => number | null } = {
  unary: (g, s) => g.emit(UNARY[s.b % UNARY.length], [g.pick(s.a)], s.b % UNARY.length >= 7 ? { alpha: 0.2 } : {}),
  binary(g, s) {
    const x = g.pick(s.a);
    const tail = staticTail(g.shape(x));
    const other = s.flag || !tail ? g.pick(s.c) : g.param(onesWhere(tail.slice(s.c % (tail.length + 1)), s.b));
    return g.emit(BINARY[s.b % BINARY.length], s.flag ? [other, x] : [x, other]);
  },
  prelu(g, s) {
    const x = g.pick(s.a);
    const tail = staticTail(g.shape(x));
    return tail ? g.emit('prelu', [x, g.param(onesWhere(tail, s.b))]) : null;
  },
  reduce(g, s) {
    const x = g.pick(s.a);
    const rank = g.shape(x).length;
    const axes = [...Array(rank).keys()].filter((k) => (s.b >> k) & 1);
    return g.emit(s.flag ? 'reduceSum' : 'reduceMean', [x], { axes, keepDims: (s.c & 1) === 1 });
  },
  softmax: (g, s) => g.emit(s.flag ? 'softmax' : 'logSoftmax', [g.pick(s.a)], { axis: -1 }),
  transpose(g, s) {
    const x = g.pick(s.a);
    return g.emit('transpose', [x], { perm: permutation(g.shape(x).length, s.b) });
  },
  reshape(g, s) {
    const x = g.pick(s.a);
    const shape = g.shape(x);
    const tail = staticTail(shape);
    if (!tail) return null;
    const size = tail.reduce((p, d) => p * d, 1);
    const target: Dim[] = shape[0] === 'N' ? ['N', size] : [size];
    return g.emit('reshape', [x], { shape: s.flag && size % 2 === 0 ? [...target.slice(0, -1), 2, size / 2] : target });
  },
  matmul(g, s) {
    const x = g.pick(s.a);
    const shape = g.shape(x);
    const k = shape[1];
    if (shape.length !== 2 || k === 'N') return null;
    const m = 1 + (s.c % 3);
    return g.emit('matmul', [x, g.param(s.flag ? [m, k] : [k, m])], { transposeA: false, transposeB: s.flag });
  },
  conv(g, s) {
    const x = g.pick(s.a);
    const shape = g.shape(x);
    const cin = shape[3];
    if (shape.length !== 4 || cin === 'N') return null;
    const kernel = g.param([1 + (s.b % 3), 1 + ((s.b >> 2) % 3), cin, 1 + (s.c % 3)]);
    return g.emit('conv2d', [x, kernel], { strides: [1 + (s.c >> 2) % 2, 1 + (s.c >> 3) % 2], padding: s.flag ? 'same' : 'valid' });
  },
  pool(g, s) {
    const x = g.pick(s.a);
    if (g.shape(x).length !== 4) return null;
    const attrs = { poolSize: [1 + (s.b % 3), 1 + ((s.b >> 2) % 3)], strides: [1 + (s.c % 2), 1 + ((s.c >> 1) % 2)], padding: (s.c >> 2) % 2 ? 'same' : 'valid' };
    return g.emit(s.flag ? 'maxPool2d' : 'avgPool2d', [x], attrs);
  },
  sumTo(g, s) {
    const x = g.pick(s.a);
    const tail = staticTail(g.shape(x));
    return tail ? g.emit('sumTo', [x], { shape: onesWhere(tail.slice(s.c % (tail.length + 1)), s.b) }) : null;
  },
  where(g, s) {
    const x = g.pick(s.a);
    const y = g.pick(s.b);
    return g.emit('where', [g.emit('greater', [x, y]), x, y]);
  },
};

export interface RandomGraph {
  readonly graph: Graph;
  readonly feeds: Record<string, Tensor>;
  readonly batch: number;
}

function build(inputs: readonly Shape[], steps: readonly Step[], batch: number, seed: number): RandomGraph {
  const g = new Construction();
  inputs.forEach((shape, k) => g.values.push(g.b.input(`x${k}`, { shape, dtype: 'f32' })));
  for (const s of steps) {
    try {
      const id = RULES[s.family](g, s);
      if (id !== null) g.values.push(id);
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
    }
  }
  g.b.output('y', g.values[g.values.length - 1]);
  const graph = g.b.build();
  const rng = new Rng(seed);
  const feeds: Record<string, Tensor> = {};
  for (const n of graph.nodes) {
    if (n.op !== 'input' && n.op !== 'param') continue;
    const t = tensor(bindShape(n.type.shape, batch));
    for (let i = 0; i < t.data.length; i++) t.data[i] = rng.next() * 4 - 2;
    feeds[String(n.attrs.name)] = t;
  }
  return { graph, feeds, batch };
}

const arbDim = fc.integer({ min: 1, max: 5 });
const arbInputShape: fc.Arbitrary<Shape> = fc.oneof(
  fc.tuple(arbDim, arbDim, fc.integer({ min: 1, max: 3 })).map(([h, w, c]): Shape => ['N', h + 1, w + 1, c]),
  fc.array(arbDim, { minLength: 1, maxLength: 2 }).map((dims): Shape => ['N', ...dims]),
  fc.array(arbDim, { minLength: 0, maxLength: 3 }),
);

const arbStep: fc.Arbitrary<Step> = fc.record({
  family: fc.constantFrom(...FAMILIES), a: fc.nat(), b: fc.nat({ max: 255 }), c: fc.nat({ max: 255 }), flag: fc.boolean(),
}, { noNullPrototype: true });

/** A random graph, its feeds (inputs x0.., params p0..) and the batch the feeds bind. */
export const arbRandomGraph: fc.Arbitrary<RandomGraph> = fc
  .record({
    inputs: fc.array(arbInputShape, { minLength: 1, maxLength: 2 }),
    steps: fc.array(arbStep, { minLength: 1, maxLength: 8 }),
    batch: fc.integer({ min: 1, max: 3 }),
    seed: fc.nat(),
  })
  .map(({ inputs, steps, batch, seed }) => build(inputs, steps, batch, seed));
