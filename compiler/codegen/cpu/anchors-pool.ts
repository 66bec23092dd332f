// Pooling anchors. The pooling emitters store plainly, so a fused epilogue (dropout's mask
// after max-pooling, say) runs as a row loop over the pooled values right after, in the
// same segment: one extra pass over the small pooled tensor, none over the large input.

import type { Node } from '../../ir/types';
import type { AnchorRule } from './anchors';
import { registerAnchorRule, stagingBytes, withEpilogue } from './anchors';
import { emitAvgPool2d, emitAvgPool2dGrad, emitMaxPool2d, emitMaxPool2dGrad, type Pool2dGeometry } from './wat/pool';

function pair(v: unknown): [number, number] {
  const a = v as readonly number[];
  return [a[0], a[1]];
}

function geometry(name: string, node: Node, inShape: readonly number[]): Pool2dGeometry {
  return {
    name, batch: inShape[0], height: inShape[1], width: inShape[2], channels: inShape[3],
    poolSize: pair(node.attrs.poolSize), strides: pair(node.attrs.strides), padding: node.attrs.padding === 'same' ? 'same' : 'valid',
  };
}

const outBytes = (_n: Node, _i: readonly (readonly number[])[], out: readonly number[]): number => stagingBytes(out);

const maxPool2d: AnchorRule = {
  scratchBytes: outBytes,
  emit: (ctx) => withEpilogue(ctx, (y) => [emitMaxPool2d({ ...geometry(ctx.name, ctx.node, ctx.inputs[0].shape), x: ctx.inputs[0].offset, y })]),
};

const avgPool2d: AnchorRule = {
  scratchBytes: outBytes,
  emit: (ctx) => withEpilogue(ctx, (y) => [emitAvgPool2d({ ...geometry(ctx.name, ctx.node, ctx.inputs[0].shape), x: ctx.inputs[0].offset, y })]),
};

const maxPool2dGrad: AnchorRule = {
  scratchBytes: outBytes,
  emit: (ctx) => withEpilogue(ctx, (dx) => [emitMaxPool2dGrad({
    ...geometry(ctx.name, ctx.node, ctx.inputs[0].shape), x: ctx.inputs[0].offset, dy: ctx.inputs[1].offset, dx,
  })]),
};

const avgPool2dGrad: AnchorRule = {
  scratchBytes: outBytes,
  emit: (ctx) => withEpilogue(ctx, (dx) => [emitAvgPool2dGrad({ ...geometry(ctx.name, ctx.node, ctx.outShape), dy: ctx.inputs[0].offset, dx })]),
};

registerAnchorRule('maxPool2d', maxPool2d);
registerAnchorRule('avgPool2d', avgPool2d);
registerAnchorRule('maxPool2dGrad', maxPool2dGrad);
registerAnchorRule('avgPool2dGrad', avgPool2dGrad);
