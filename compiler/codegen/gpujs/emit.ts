// One IR node -> one gpu.js kernel, specialised to concrete shapes (batch bound).
// Pointwise ops need no entry here: their ScalarExpr (from the op table) is the kernel.
// The rest are looked up by op name in this backend's table of emitters, the codegen's
// counterpart of the op table.

import type { Node, TensorType } from '../../ir/types';
import { bindShape, formatType } from '../../ir/types';
import { getOp } from '../../ops/index';
import { emitConv2d, emitConv2dBackpropFilter, emitConv2dBackpropInput } from './emit-conv';
import {
  emitCategoricalCrossentropy, emitOneHot, emitSoftmaxCrossEntropy, emitSparseCategoricalCrossentropy, emitSparseSoftmaxCrossEntropy,
} from './emit-loss';
import { emitMatmul } from './emit-matmul';
import { emitAvgPool2d, emitAvgPool2dGrad, emitMaxPool2d, emitMaxPool2dGrad } from './emit-pool';
import { emitConstant, emitShapeCount, emitTranspose, pointwiseEmitter } from './emit-pointwise';
import { emitReduceMax, emitReduceMean, emitReduceSum, emitSumTo } from './emit-reduce';
import { emitLogSoftmax, emitSoftmax } from './emit-softmax';
import type { GpuEmitter, GpuEpilogue, GpuNodeKernel } from './kernel';
import { assembleKernel } from './kernel';

const EMITTERS: ReadonlyMap<string, GpuEmitter> = new Map<string, GpuEmitter>([
  ['constant', emitConstant],
  ['shapeCount', emitShapeCount],
  ['transpose', emitTranspose],
  ['reduceSum', emitReduceSum],
  ['reduceMean', emitReduceMean],
  ['reduceMax', emitReduceMax],
  ['sumTo', emitSumTo],
  ['softmax', emitSoftmax],
  ['logSoftmax', emitLogSoftmax],
  ['matmul', emitMatmul],
  ['conv2d', emitConv2d],
  ['conv2dBackpropInput', emitConv2dBackpropInput],
  ['conv2dBackpropFilter', emitConv2dBackpropFilter],
  ['maxPool2d', emitMaxPool2d],
  ['maxPool2dGrad', emitMaxPool2dGrad],
  ['avgPool2d', emitAvgPool2d],
  ['avgPool2dGrad', emitAvgPool2dGrad],
  ['oneHot', emitOneHot],
  ['softmaxCrossEntropy', emitSoftmaxCrossEntropy],
  ['sparseSoftmaxCrossEntropy', emitSparseSoftmaxCrossEntropy],
  ['categoricalCrossentropy', emitCategoricalCrossentropy],
  ['sparseCategoricalCrossentropy', emitSparseCategoricalCrossentropy],
]);

/** Ops whose result is their first input's data unchanged (OpDef.aliasesInput): no kernel, the value is shared. */
const aliases = (op: string): boolean => getOp(op).aliasesInput === true;

/** Why a node gets no kernel, or null when it gets one. */
export function gpuKernelRefusal(op: string): string | null {
  if (aliases(op) || EMITTERS.has(op)) return null;
  const def = getOp(op);
  if (def.scalar) return null;
  if (def.kind === 'source') return `'${op}' is a source: the runtime provides its value`;
  return `no gpu.js kernel for '${op}'`;
}

function emitterFor(op: string): GpuEmitter {
  const own = EMITTERS.get(op);
  if (own) return own;
  const def = getOp(op);
  if (def.scalar) return pointwiseEmitter(def.scalar);
  throw new Error(`gpu.js codegen: ${gpuKernelRefusal(op)}`);
}

/**
 * The kernel for `node`, whose inputs have `inputTypes`, with the batch axis bound to
 * `batch`. An optional epilogue is applied to each output element (see GpuEpilogue).
 */
export function emitGpuKernel(node: Node, inputTypes: readonly TensorType[], batch: number, epilogue?: GpuEpilogue): GpuNodeKernel {
  const label = `%${node.id} = ${node.op} : ${formatType(node.type)}`;
  const out = bindShape(node.type.shape, batch);
  if (aliases(node.op)) {
    if (epilogue) throw new Error(`gpu.js codegen: %${node.id} ${node.op} moves no data; an epilogue belongs to the kernel that computes its input`);
    return { kind: 'alias', label, input: 0, shape: out };
  }
  const inputs = inputTypes.map((t) => bindShape(t.shape, batch));
  return assembleKernel({ label, out, inputs, attrs: node.attrs, emit: emitterFor(node.op), epilogue });
}
