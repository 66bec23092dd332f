// How each IR op of an inference graph becomes ONNX (opset 13) nodes: a table keyed by op
// name, as lowering's layer rules are. The window geometry comes from the ops' own helpers,
// so 'same' padding is TensorFlow's (the smaller half before) as explicit ONNX pads.

import type { Node } from '../../ir/types';
import { attrAxis, attrBool, attrNumber, attrShape } from '../../ops/util/attrs';
import { convAttrs } from '../../ops/util/conv';
import { poolAttrs } from '../../ops/util/pool';
import type { PaddingMode } from '../../ops/util/attrs';
import { windowAxis } from '../../ops/util/window';
import { reductionOf } from '../../ops/util/reduce';
import { NCHW, type OnnxGraphBuilder } from './builder';
import { attrFloat, attrInt, attrInts, int64Tensor, type AttributeProto } from './proto';

export interface ExportStep {
  readonly b: OnnxGraphBuilder;
  readonly node: Node;
}

type OpExporter = (s: ExportStep) => void;

function isNchw(perm: readonly number[] | null): boolean {
  return perm !== null && perm.length === 4 && perm.every((a, i) => a === NCHW[i]);
}

function outName(s: ExportStep): string {
  return s.b.fresh(`${s.node.op}_${s.node.id}`);
}

/** An op that maps each element alone: it keeps whatever dim order its input is held in. */
function unary(opType: string, attrs: (n: Node) => AttributeProto[] = () => []): OpExporter {
  return (s) => {
    const [x] = s.node.inputs;
    const perm = s.b.permOf(x);
    const out = outName(s);
    s.b.node(opType, [s.b.value(x, perm)], [out], attrs(s.node));
    s.b.define(s.node.id, out, perm);
  };
}

/**
 * A broadcasting op: channels-first when its output is an image and every input is either a
 * param (permuted to match) or an image held channels-first; otherwise in the IR's order.
 */
function broadcast(opType: string): OpExporter {
  return (s) => {
    const { b, node } = s;
    const image = node.type.shape.length === 4;
    const others = node.inputs.filter((i) => !b.isParam(i));
    const perm = image && others.length > 0 && others.every((i) => b.type(i).shape.length === 4 && isNchw(b.permOf(i))) ? NCHW : null;
    const out = outName(s);
    b.node(opType, node.inputs.map((i) => b.value(i, perm)), [out]);
    b.define(node.id, out, perm);
  };
}

/** ONNX pads [top, left, bottom, right] for nnc's window geometry along H and W. */
function pads(inH: number, inW: number, [kh, kw]: readonly number[], [sh, sw]: readonly number[], padding: PaddingMode): number[] {
  const axis = (size: number, k: number, st: number): [number, number] => {
    if (padding === 'valid') return [0, 0];
    const { out, padBefore } = windowAxis(size, k, st, padding);
    const total = Math.max((out - 1) * st + k - size, 0);
    return [padBefore, total - padBefore];
  };
  const [top, bottom] = axis(inH, kh, sh);
  const [left, right] = axis(inW, kw, sw);
  return [top, left, bottom, right];
}

function spatial(s: ExportStep): [number, number] {
  const shape = s.b.type(s.node.inputs[0]).shape;
  return [shape[1] as number, shape[2] as number];
}

const conv2d: OpExporter = (s) => {
  const { b, node } = s;
  const [x, w] = node.inputs;
  const { strides, padding } = convAttrs('conv2d', node.attrs);
  const kernel = b.type(w).shape.slice(0, 2) as number[];
  const out = outName(s);
  // The kernel is HWIO; ONNX wants OIHW.
  b.node('Conv', [b.value(x, NCHW), b.value(w, [3, 2, 0, 1])], [out], [
    attrInts('kernel_shape', kernel), attrInts('strides', strides), attrInts('dilations', [1, 1]), attrInt('group', 1),
    attrInts('pads', pads(...spatial(s), kernel, strides, padding)),
  ]);
  b.define(node.id, out, NCHW);
};

/** Max pooling never picks a padded cell; average pooling divides by the in-bounds cells only. */
function pool(opType: 'MaxPool' | 'AveragePool'): OpExporter {
  return (s) => {
    const { b, node } = s;
    const p = poolAttrs(node.op, node.attrs);
    const out = outName(s);
    const attrs = [attrInts('kernel_shape', p.poolSize), attrInts('strides', p.strides), attrInts('pads', pads(...spatial(s), p.poolSize, p.strides, p.padding))];
    if (opType === 'AveragePool') attrs.push(attrInt('count_include_pad', 0));
    b.node(opType, [b.value(node.inputs[0], NCHW)], [out], attrs);
    b.define(node.id, out, NCHW);
  };
}

const matmul: OpExporter = (s) => {
  const { b, node } = s;
  const [x, y] = node.inputs;
  const transposed = (flag: string): number[] | null => (attrBool('matmul', node.attrs, flag, false) ? [1, 0] : null);
  const out = outName(s);
  b.node('MatMul', [b.value(x, transposed('transposeA')), b.value(y, transposed('transposeB'))], [out]);
  b.define(node.id, out);
};

const softmax: OpExporter = (s) => {
  const { b, node } = s;
  const [x] = node.inputs;
  const perm = b.permOf(x);
  const axis = attrAxis('softmax', node.attrs, node.type.shape.length);
  const out = outName(s);
  b.node('Softmax', [b.value(x, perm)], [out], [attrInt('axis', perm ? perm.indexOf(axis) : axis)]);
  b.define(node.id, out, perm);
};

/** Row-major order is the IR's (NHWC): the input is turned back first. N stays symbolic (0: copy that dim). */
const reshape: OpExporter = (s) => {
  const { b, node } = s;
  const [x] = node.inputs;
  const from = b.type(x).shape;
  const target = attrShape('reshape', node.attrs, 'shape').map((d, i) => (d === 'N' ? (from[i] === 'N' ? 0 : -1) : d));
  const out = outName(s);
  const shape = b.fresh(`${out}.shape`);
  b.initializers.push(int64Tensor(shape, target));
  b.node('Reshape', [b.value(x), shape], [out]);
  b.define(node.id, out);
};

/**
 * ReduceMean / ReduceMax (axes an attribute in opset 13) in whatever dim order the input is
 * held: global pooling of a channels-first image reduces ONNX dims 2 and 3 and gives [N,C].
 */
function reduce(opType: 'ReduceMean' | 'ReduceMax'): OpExporter {
  return (s) => {
    const { b, node } = s;
    const [x] = node.inputs;
    const perm = b.permOf(x);
    const { axes, keepDims } = reductionOf(node.op, node.attrs, b.type(x).shape.length);
    const onnxAxes = axes.map((a) => (perm ? perm.indexOf(a) : a));
    const out = outName(s);
    b.node(opType, [b.value(x, perm)], [out], [attrInts('axes', onnxAxes), attrInt('keepdims', keepDims ? 1 : 0)]);
    // The kept dims stay in the input's order: renumbered among themselves, that is the output's perm.
    const kept = (perm ?? [...b.type(x).shape.keys()]).filter((a) => !axes.includes(a));
    const outPerm = keepDims ? perm : kept.map((a) => kept.filter((k) => k < a).length);
    b.define(node.id, out, outPerm && outPerm.some((a, i) => a !== i) ? outPerm : null);
  };
}

const EXPORTERS: Readonly<Record<string, OpExporter>> = {
  // Params become initializers when a consumer asks for them, in the order it needs.
  param: () => undefined,
  conv2d,
  matmul,
  add: broadcast('Add'),
  mul: broadcast('Mul'),
  prelu: broadcast('PRelu'),
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  leakyRelu: unary('LeakyRelu', (n) => [attrFloat('alpha', attrNumber('leakyRelu', n.attrs, 'alpha'))]),
  elu: unary('Elu', (n) => [attrFloat('alpha', attrNumber('elu', n.attrs, 'alpha'))]),
  softmax,
  maxPool2d: pool('MaxPool'),
  avgPool2d: pool('AveragePool'),
  reshape,
  reduceMean: reduce('ReduceMean'),
  reduceMax: reduce('ReduceMax'),
};

export function hasExporter(op: string): boolean {
  return Object.prototype.hasOwnProperty.call(EXPORTERS, op);
}

export function exportNode(b: OnnxGraphBuilder, node: Node): void {
  EXPORTERS[node.op]({ b, node });
}
