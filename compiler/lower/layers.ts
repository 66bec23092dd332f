// How each DSL layer lowers to IR: a rule table keyed by layer type, each rule emitting
// the layer's params and ops into the builder and returning its output value.

import type { GraphBuilder } from '../ir/builder';
import type { Attrs, Dim } from '../ir/types';
import type {
  ActivationName, ConstraintSpec, InitializerSpec, LayerSpec, RegularizerSpec,
} from '../dsl/spec';
import { lowerBatchNormalization } from './batch-normalization';
import { lowerGlobalPool2d, lowerReshape } from './shaping';

export type Mode = 'train' | 'infer';

export interface LayerContext {
  readonly b: GraphBuilder;
  readonly mode: Mode;
  /** The layer's unique name, e.g. `conv2d_1`; params are `<name>.<role>`. */
  readonly name: string;
}

export interface ParamOptions {
  readonly init: InitializerSpec;
  readonly regularizer: RegularizerSpec | null;
  readonly constraint: ConstraintSpec | null;
}

/** A norm constraint's axes must be axes of its weight (Keras fails on any other; nnc would norm each element alone). */
function checkConstraintAxes(ctx: LayerContext, role: string, shape: readonly number[], c: ConstraintSpec | null): void {
  if (c === null || !('axis' in c)) return;
  const outside = c.axis.find((a) => a >= shape.length);
  if (outside === undefined) return;
  const axes = shape.length === 1 ? 'its only axis is 0' : `axes 0 to ${shape.length - 1}`;
  throw new Error(`${role}Constraint ${c.kind}: axis ${outside} is not an axis of ${ctx.name}.${role} [${shape.join(',')}] (${axes})`);
}

export function addParam(ctx: LayerContext, role: string, shape: readonly number[], opts: ParamOptions): number {
  checkConstraintAxes(ctx, role, shape, opts.constraint);
  const attrs: Record<string, Attrs[string]> = { init: { ...opts.init } };
  if (opts.regularizer) attrs.regularizer = { ...opts.regularizer };
  if (opts.constraint) attrs.constraint = { ...opts.constraint, ...('axis' in opts.constraint ? { axis: [...opts.constraint.axis] } : {}) };
  return ctx.b.param(`${ctx.name}.${role}`, { shape: [...shape], dtype: 'f32' }, attrs);
}

const ACTIVATION_OPS: Record<Exclude<ActivationName, 'linear'>, (ctx: LayerContext, x: number) => number> = {
  relu: (ctx, x) => ctx.b.emit('relu', [x]),
  sigmoid: (ctx, x) => ctx.b.emit('sigmoid', [x]),
  tanh: (ctx, x) => ctx.b.emit('tanh', [x]),
  elu: (ctx, x) => ctx.b.emit('elu', [x], { alpha: 1 }),
  softmax: (ctx, x) => ctx.b.emit('softmax', [x], { axis: -1 }),
};

export function applyActivation(ctx: LayerContext, x: number, activation: ActivationName): number {
  return activation === 'linear' ? x : ACTIVATION_OPS[activation](ctx, x);
}

function staticDim(d: Dim, what: string): number {
  if (d === 'N') throw new Error(`${what} cannot be the batch axis`);
  return d;
}

type Rule<T extends LayerSpec> = (ctx: LayerContext, x: number, layer: T) => number;
/** The spec type of layer kind K (Pool2dSpec serves two kinds). */
export type LayerOf<K extends LayerSpec['type']> = LayerSpec extends infer L ? (L extends { type: infer T } ? (K extends T ? L : never) : never) : never;
type Rules = { readonly [K in LayerSpec['type']]: Rule<LayerOf<K>> };

export const LAYER_RULES: Rules = {
  conv2d(ctx, x, l) {
    const inShape = ctx.b.type(x).shape;
    if (inShape.length !== 4) throw new Error(`conv2d needs an input of rank 4 [N,H,W,C], got [${inShape}]`);
    const cin = staticDim(inShape[3], 'channels');
    const kernel = addParam(ctx, 'kernel', [l.kernelSize[0], l.kernelSize[1], cin, l.filters],
      { init: l.kernelInitializer, regularizer: l.kernelRegularizer, constraint: l.kernelConstraint });
    let y = ctx.b.emit('conv2d', [x, kernel], { strides: [...l.strides], padding: l.padding });
    if (l.useBias) {
      const bias = addParam(ctx, 'bias', [l.filters], { init: l.biasInitializer, regularizer: l.biasRegularizer, constraint: l.biasConstraint });
      y = ctx.b.emit('add', [y, bias]);
    }
    return applyActivation(ctx, y, l.activation);
  },
  dense(ctx, x, l) {
    const inShape = ctx.b.type(x).shape;
    if (inShape.length !== 2) throw new Error(`dense needs a flat input [N,features], got [${inShape}]: add flatten() before it`);
    const kernel = addParam(ctx, 'kernel', [staticDim(inShape[1], 'features'), l.units],
      { init: l.kernelInitializer, regularizer: l.kernelRegularizer, constraint: l.kernelConstraint });
    let y = ctx.b.emit('matmul', [x, kernel], { transposeA: false, transposeB: false });
    if (l.useBias) {
      const bias = addParam(ctx, 'bias', [l.units], { init: l.biasInitializer, regularizer: l.biasRegularizer, constraint: l.biasConstraint });
      y = ctx.b.emit('add', [y, bias]);
    }
    return applyActivation(ctx, y, l.activation);
  },
  prelu(ctx, x, l) {
    const inShape = ctx.b.type(x).shape.slice(1);
    for (const a of l.sharedAxes) {
      if (!Number.isInteger(a) || a < 1 || a > inShape.length) throw new Error(`prelu: shared axis ${a} is not an axis of its input [N,${inShape}] (axes 1..${inShape.length})`);
    }
    const alphaShape = inShape.map((d, k) => (l.sharedAxes.includes(k + 1) ? 1 : staticDim(d, 'a prelu axis')));
    const alpha = addParam(ctx, 'alpha', alphaShape, { init: l.alphaInitializer, regularizer: l.alphaRegularizer, constraint: l.alphaConstraint });
    return ctx.b.emit('prelu', [x, alpha]);
  },
  relu: (ctx, x) => ctx.b.emit('relu', [x]),
  sigmoid: (ctx, x) => ctx.b.emit('sigmoid', [x]),
  tanh: (ctx, x) => ctx.b.emit('tanh', [x]),
  softmax: (ctx, x) => ctx.b.emit('softmax', [x], { axis: -1 }),
  leakyRelu: (ctx, x, l) => ctx.b.emit('leakyRelu', [x], { alpha: l.alpha }),
  elu: (ctx, x, l) => ctx.b.emit('elu', [x], { alpha: l.alpha }),
  maxPool2d: (ctx, x, l) => ctx.b.emit('maxPool2d', [x], { poolSize: [...l.poolSize], strides: [...l.strides], padding: l.padding }),
  avgPool2d: (ctx, x, l) => ctx.b.emit('avgPool2d', [x], { poolSize: [...l.poolSize], strides: [...l.strides], padding: l.padding }),
  dropout(ctx, x, l) {
    if (ctx.mode === 'infer' || l.rate === 0) return x;
    const mask = ctx.b.emit('dropoutMask', [], { rate: l.rate, shape: [...ctx.b.type(x).shape] });
    return ctx.b.emit('mul', [x, mask]);
  },
  flatten(ctx, x) {
    const shape = ctx.b.type(x).shape;
    const features = shape.slice(1).reduce<number>((acc, d) => acc * staticDim(d, 'a flattened axis'), 1);
    return ctx.b.emit('reshape', [x], { shape: ['N', features] });
  },
  // A wrapper: batch-normalization.ts imports this module, so its function may not exist yet here.
  batchNormalization: (ctx, x, l) => lowerBatchNormalization(ctx, x, l),
  globalAveragePooling2d: (ctx, x, l) => lowerGlobalPool2d(ctx, x, l),
  globalMaxPooling2d: (ctx, x, l) => lowerGlobalPool2d(ctx, x, l),
  reshape: (ctx, x, l) => lowerReshape(ctx, x, l),
  activation: (ctx, x, l) => applyActivation(ctx, x, l.activation),
};

/** Keras-style class names for the summary. */
export const LAYER_CLASS: { readonly [K in LayerSpec['type']]: string } = {
  conv2d: 'Conv2D', dense: 'Dense', prelu: 'PReLU', relu: 'ReLU', sigmoid: 'Activation', tanh: 'Activation',
  softmax: 'Softmax', leakyRelu: 'LeakyReLU', elu: 'ELU', maxPool2d: 'MaxPooling2D', avgPool2d: 'AveragePooling2D',
  dropout: 'Dropout', flatten: 'Flatten', batchNormalization: 'BatchNormalization',
  globalAveragePooling2d: 'GlobalAveragePooling2D', globalMaxPooling2d: 'GlobalMaxPooling2D', reshape: 'Reshape', activation: 'Activation',
};
