// WAT for the small ops fusion leaves opaque (softmax, the loss heads, sums, means and maxima,
// broadcasts a loop cannot address, a shape count): a rule table by op, like the anchor
// rules. With a rule the op runs inside its segment instead of stopping every thread for a
// host step; a rule returns null for a case it does not cover, and that node runs its
// float64 reference on the host as before.

import type { Node } from '../../ir/types';
import { attrAxis, attrAxes } from '../../ops/util/attrs';
import type { WatFunction } from './wat/module';
import { emitRowSoftmax, emitSoftmaxCrossEntropy } from './wat/softmax';
import { emitBlockBroadcast, emitBlockReduce, emitOneHot, emitRowReduce, emitStoreConstant, type BlockReduction } from './wat/scalarKernels';
import { emitProbCrossEntropy } from './wat/probCrossEntropy';

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

/**
 * A sum, mean or maximum over a contiguous block of axes: rows of the leading axes, each
 * reduced over the block, for each position of the trailing kept axes (`inner`). A trailing
 * block (MSE's per-example mean and its gradient's row sums; every axis: the batch mean, a
 * regularizer's sum over a weight) keeps the row kernel; a middle block (global pooling's H
 * and W) the block kernel. A reduction to one value is one row, whatever its axes (the others
 * have size 1); any other split of the axes stays a host step.
 */
function blockReduction(ctx: OpaqueContext, op: BlockReduction): WatFunction[] | null {
  const [x] = ctx.inputs;
  if (x.shape.length < 1 || size(x.shape) < 1) return null;
  const axes = attrAxes(ctx.node.op, ctx.node.attrs, x.shape.length);
  const single = size(ctx.outShape) === 1;
  // No axes: a copy, each element its own row.
  const first = single ? 0 : axes[0] ?? x.shape.length;
  const last = single ? x.shape.length - 1 : first + axes.length - 1;
  if (!single && axes.some((a, k) => a !== first + k)) return null;
  const rows = size(x.shape.slice(0, first));
  const inner = size(x.shape.slice(last + 1));
  const cols = size(x.shape) / rows / inner;
  const base = { name: ctx.name, rows, cols, input: x.offset, output: ctx.out };
  if (inner === 1 && op !== 'max') return [emitRowReduce({ ...base, mean: op === 'mean' })];
  return [emitBlockReduce({ ...base, inner, op })];
}

/**
 * A broadcast a fused loop cannot address: the input equal to the output but for a
 * contiguous block of axes of size 1 (global pooling's gradient: [N,1,1,C] to [N,H,W,C]).
 */
function blockBroadcast(ctx: OpaqueContext): WatFunction[] | null {
  const [x] = ctx.inputs;
  const out = ctx.outShape;
  if (x.shape.length > out.length || size(out) < 1) return null;
  const padded = [...Array<number>(out.length - x.shape.length).fill(1), ...x.shape];
  const spread = out.flatMap((d, k) => (padded[k] !== d ? [k] : []));
  if (spread.length === 0) return null;
  const first = spread[0];
  const last = spread[spread.length - 1];
  // Every axis of the block is 1 in the input: a broadcast one, or 1 in the output too.
  if (padded.slice(first, last + 1).some((d) => d !== 1)) return null;
  return [emitBlockBroadcast({
    name: ctx.name, rows: size(out.slice(0, first)), cols: size(out.slice(first, last + 1)), inner: size(out.slice(last + 1)), input: x.offset, output: ctx.out,
  })];
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
  ...(['categoricalCrossentropy', 'sparseCategoricalCrossentropy'] as const).map((op): [string, OpaqueRule] => [op, (ctx) => {
    const [probs, targets] = ctx.inputs;
    if (probs.shape.length === 0) return null;
    const { rows, cols } = lastAxisRows(probs.shape);
    const labelKind = op === 'categoricalCrossentropy' ? 'onehot' : 'sparse';
    return [emitProbCrossEntropy({ name: ctx.name, rows, classes: cols, probs: probs.offset, targets: targets.offset, labelKind, output: ctx.out })];
  }]),
  ['oneHot', (ctx) => {
    const [labels] = ctx.inputs;
    const depth = ctx.outShape[ctx.outShape.length - 1];
    return [emitOneHot({ name: ctx.name, rows: size(labels.shape), depth, labels: labels.offset, output: ctx.out })];
  }],
  ['reduceMean', (ctx) => blockReduction(ctx, 'mean')],
  ['reduceSum', (ctx) => blockReduction(ctx, 'sum')],
  ['reduceMax', (ctx) => blockReduction(ctx, 'max')],
  ['broadcastTo', blockBroadcast],
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
