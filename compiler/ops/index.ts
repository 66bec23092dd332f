// The op table: every op the IR knows, by name. Adding an op = its file + one line here.
import type { OpDef } from './op';
import { abs } from './abs';
import { add } from './add';
import { avgPool2d } from './avgPool2d';
import { avgPool2dGrad } from './avgPool2dGrad';
import { binaryCrossentropy } from './binaryCrossentropy';
import { broadcastTo } from './broadcastTo';
import { categoricalCrossentropy } from './categoricalCrossentropy';
import { constant } from './constant';
import { conv2d } from './conv2d';
import { conv2dBackpropFilter } from './conv2dBackpropFilter';
import { conv2dBackpropInput } from './conv2dBackpropInput';
import { div } from './div';
import { dropoutMask } from './dropoutMask';
import { elu } from './elu';
import { exp } from './exp';
import { greater } from './greater';
import { input } from './input';
import { leakyRelu } from './leakyRelu';
import { log } from './log';
import { logSoftmax } from './logSoftmax';
import { matmul } from './matmul';
import { maximum } from './maximum';
import { maxPool2d } from './maxPool2d';
import { maxPool2dGrad } from './maxPool2dGrad';
import { minimum } from './minimum';
import { mul } from './mul';
import { neg } from './neg';
import { oneHot } from './oneHot';
import { param } from './param';
import { prelu } from './prelu';
import { reduceMax } from './reduceMax';
import { reduceMean } from './reduceMean';
import { reduceSum } from './reduceSum';
import { relu } from './relu';
import { reshape } from './reshape';
import { shapeCount } from './shapeCount';
import { sigmoid } from './sigmoid';
import { sigmoidCrossEntropy } from './sigmoidCrossEntropy';
import { sign } from './sign';
import { softmax } from './softmax';
import { softmaxCrossEntropy } from './softmaxCrossEntropy';
import { sparseCategoricalCrossentropy } from './sparseCategoricalCrossentropy';
import { sparseSoftmaxCrossEntropy } from './sparseSoftmaxCrossEntropy';
import { sqrt } from './sqrt';
import { square } from './square';
import { sub } from './sub';
import { sumTo } from './sumTo';
import { tanh } from './tanh';
import { transpose } from './transpose';
import { where } from './where';

const ALL: readonly OpDef[] = [
  // sources
  input, param, constant, dropoutMask, shapeCount,
  // broadcast arithmetic and selection
  add, sub, mul, div, maximum, minimum, greater, where, prelu,
  // elementwise
  neg, exp, log, square, sqrt, abs, sign, relu, leakyRelu, elu, sigmoid, tanh,
  // movement
  reshape, transpose, broadcastTo,
  // reductions
  reduceSum, reduceMean, reduceMax, sumTo, softmax, logSoftmax,
  // contractions and windows
  matmul, conv2d, conv2dBackpropInput, conv2dBackpropFilter, maxPool2d, maxPool2dGrad, avgPool2d, avgPool2dGrad,
  // losses
  oneHot, softmaxCrossEntropy, sparseSoftmaxCrossEntropy, categoricalCrossentropy, sparseCategoricalCrossentropy,
  sigmoidCrossEntropy, binaryCrossentropy,
];

const TABLE = new Map<string, OpDef>(ALL.map((op) => [op.name, op]));

export function getOp(name: string): OpDef {
  const op = TABLE.get(name);
  if (!op) throw new Error(`unknown op '${name}'`);
  return op;
}

export function hasOp(name: string): boolean {
  return TABLE.has(name);
}

export function allOps(): readonly OpDef[] {
  return ALL;
}
