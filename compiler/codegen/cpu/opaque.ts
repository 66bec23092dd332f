// WAT for the small ops fusion leaves opaque (softmax, the loss head, a batch mean, a shape
// count): a rule table by op, like the anchor rules. With a rule the op runs inside its
// segment instead of stopping every thread for a host step; a rule returns null for a case
// it does not cover, and that node runs its float64 reference on the host as before.

import type { Node } from '../../ir/types';
import { attrAxis, attrAxes } from '../../ops/util/attrs';
import type { WatFunction } from './wat/module';
import { emitRowSoftmax, emitSoftmaxCrossEntropy } from './wat/softmax';
import { emitMeanAll, emitOneHot, emitRowReduce, emitStoreConstant } from './wat/scalarKernels';

export interface OpaqueContext {
  readonly name: string;
  readonly node: Node;
  /** Concrete input shapes and byte offsets, in input order. */
  readonly inputs: readonly { readonly shape: readonly number[]; readonly offset: number }[];
  readonly outShape: readonly number[];
  readonly out: number;
}

export type OpaqueRule = (ctx: OpaqueContext) => WatFunction[] | null;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Rows and the last axis of a shape whose last axis is the one an op works along. */
function lastAxisRows(shape: readonly number[]): { rows: number; cols: number } {
  return { rows: size(shape.slice(0, -1)), cols: shape[shape.length - 1] };
}

/** A sum or mean over the last axis alone (MSE's per-example mean, its gradient's row sums). */
function lastAxisReduction(ctx: OpaqueContext, mean: boolean): WatFunction[] | null {
  const [x] = ctx.inputs;
  const axes = attrAxes(ctx.node.op, ctx.node.attrs, x.shape.length);
  if (x.shape.length < 1 || axes.length !== 1 || axes[0] !== x.shape.length - 1 || size(x.shape) < 1) return null;
  return [emitRowReduce({ name: ctx.name, ...lastAxisRows(x.shape), input: x.offset, output: ctx.out, mean })];
}

const RULES: ReadonlyMap<string, OpaqueRule> = new Map<string, OpaqueRule>([
  ['softmax', (ctx) => {
    const [x] = ctx.inputs;
    if (x.shape.length === 0 || attrAxis('softmax', ctx.node.attrs, x.shape.length) !== x.shape.length - 1) return null;
    return [emitRowSoftmax({ name: ctx.name, ...lastAxisRows(x.shape), input: x.offset, output: ctx.out })];
  }],
  ['softmaxCrossEntropy', (ctx) => {
    const [logits, labels] = ctx.inputs;
    if (logits.shape.length === 0) return null;
    const { rows, cols } = lastAxisRows(logits.shape);
    return [emitSoftmaxCrossEntropy({
      name: ctx.name, batch: rows, classes: cols, logits: logits.offset, labels: labels.offset, labelKind: 'onehot', lossPerExample: ctx.out,
    })];
  }],
  ['sparseSoftmaxCrossEntropy', (ctx) => {
    const [logits, labels] = ctx.inputs;
    if (logits.shape.length !== 2) return null;
    const { rows, cols } = lastAxisRows(logits.shape);
    return [emitSoftmaxCrossEntropy({
      name: ctx.name, batch: rows, classes: cols, logits: logits.offset, labels: labels.offset, labelKind: 'sparse', lossPerExample: ctx.out,
    })];
  }],
  ['oneHot', (ctx) => {
    const [labels] = ctx.inputs;
    const depth = ctx.outShape[ctx.outShape.length - 1];
    return [emitOneHot({ name: ctx.name, rows: size(labels.shape), depth, labels: labels.offset, output: ctx.out })];
  }],
  ['reduceMean', (ctx) => {
    const [x] = ctx.inputs;
    if (size(ctx.outShape) === 1 && size(x.shape) >= 1) return [emitMeanAll({ name: ctx.name, count: size(x.shape), input: x.offset, output: ctx.out })];
    return lastAxisReduction(ctx, true);
  }],
  ['reduceSum', (ctx) => lastAxisReduction(ctx, false)],
  // The batch is bound when the program is built, so the count is a constant by then.
  ['shapeCount', (ctx) => {
    const [x] = ctx.inputs;
    const axes = attrAxes('shapeCount', ctx.node.attrs, x.shape.length);
    return [emitStoreConstant({ name: ctx.name, output: ctx.out, value: axes.reduce((n, a) => n * x.shape[a], 1) })];
  }],
]);

/** The node's kernels, or null when it must run on the host. */
export function emitOpaque(ctx: OpaqueContext): WatFunction[] | null {
  return RULES.get(ctx.node.op)?.(ctx) ?? null;
}
