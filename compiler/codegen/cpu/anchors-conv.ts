// Convolution anchors: forward (with its fused epilogue: bias, PReLU, ...), and the two
// gradients. Geometry comes from the node's concrete shapes and attributes.

import type { Node } from '../../ir/types';
import { registerAnchorRule, stagingBytes, withEpilogue, isPlain, type AnchorRule } from './anchors';
import type { Conv2dGeometry } from './wat/conv-geometry';
import { conv2dScratchBytes, emitConv2d } from './wat/conv-forward';
import { conv2dBackpropFilterScratchBytes, emitConv2dBackpropFilter } from './wat/conv-backprop-filter';
import { conv2dBackpropInputScratchBytes, emitConv2dBackpropInput } from './wat/conv-backprop-input';

/** x: [N,H,W,C]; kernel: [KH,KW,C,F]. */
function geometry(node: Node, x: readonly number[], kernel: readonly number[]): Conv2dGeometry {
  const strides = node.attrs.strides as readonly number[];
  return {
    batch: x[0], height: x[1], width: x[2], channels: x[3],
    kernelHeight: kernel[0], kernelWidth: kernel[1], filters: kernel[3],
    strideHeight: strides[0], strideWidth: strides[1],
    padding: node.attrs.padding === 'same' ? 'same' : 'valid',
  };
}

const conv2d: AnchorRule = {
  scratchBytes: (node, [x, w]) => conv2dScratchBytes(geometry(node, x, w)),
  emit: (ctx) => emitConv2d({
    ...geometry(ctx.node, ctx.inputs[0].shape, ctx.inputs[1].shape),
    name: ctx.name, xOffset: ctx.inputs[0].offset, kernelOffset: ctx.inputs[1].offset,
    yOffset: ctx.epilogue.stores[0].offset, epilogue: ctx.epilogue, scratchOffset: ctx.scratch,
  }),
};

// conv2dBackpropInput(dy, w): the output is dx, shaped like the forward input. Its emitter
// scatters taps into dx, so a fused epilogue (dropout's mask) runs after it as a row loop.
const backpropInputScratch = (node: Node, w: readonly number[], out: readonly number[]): number =>
  conv2dBackpropInputScratchBytes(geometry(node, out, w));
const conv2dBackpropInput: AnchorRule = {
  scratchBytes: (node, [, w], out) => backpropInputScratch(node, w, out) + stagingBytes(out),
  emit: (ctx) => {
    const g = geometry(ctx.node, ctx.outShape, ctx.inputs[1].shape);
    const own = backpropInputScratch(ctx.node, ctx.inputs[1].shape, ctx.outShape);
    return withEpilogue(ctx, (dx) => emitConv2dBackpropInput({
      ...g, name: ctx.name, dyOffset: ctx.inputs[0].offset, kernelOffset: ctx.inputs[1].offset, dxOffset: dx, scratchOffset: ctx.scratch,
    }), ctx.scratch + own);
  },
};

// conv2dBackpropFilter(x, dy): the output is dW; no epilogue (the op says takesEpilogue: false,
// so fusion never gives it one: a regularizer's term added to dW is a loop of its own).
const conv2dBackpropFilter: AnchorRule = {
  scratchBytes: (node, [x], out) => conv2dBackpropFilterScratchBytes(geometry(node, x, out)),
  emit: (ctx) => {
    const e = ctx.epilogue;
    if (!isPlain(e)) throw new Error('conv2dBackpropFilter takes no epilogue (fusion gave it one despite takesEpilogue: false)');
    return emitConv2dBackpropFilter({
      ...geometry(ctx.node, ctx.inputs[0].shape, ctx.outShape),
      name: ctx.name, xOffset: ctx.inputs[0].offset, dyOffset: ctx.inputs[1].offset,
      dwOffset: e.stores[0].offset, scratchOffset: ctx.scratch,
    });
  },
};

registerAnchorRule('conv2d', conv2d);
registerAnchorRule('conv2dBackpropInput', conv2dBackpropInput);
registerAnchorRule('conv2dBackpropFilter', conv2dBackpropFilter);
