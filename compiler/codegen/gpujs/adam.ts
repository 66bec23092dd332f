// Adam's update as three elementwise kernels, Keras semantics:
//   m' = b1 m + (1 - b1) g,   v' = b2 v + (1 - b2) g^2,   p' = p - lr_t m' / (sqrt(v') + eps)
// with lr_t = lr sqrt(1 - b2^t) / (1 - b1^t) passed in per step as the uniform `lrT`.
// Each kernel reads the previous value of what it writes, and a gpu.js kernel cannot read
// its own output texture: the runtime keeps two instances of each and alternates them.

import type { ScalarExpr } from '../../ir/scalar';
import { S } from '../../ir/scalar';
import { pointwiseEmitter } from './emit-pointwise';
import type { GpuKernelSource } from './kernel';
import { assembleKernel } from './kernel';

export interface AdamHyperparameters {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export interface GpuAdamKernels {
  /** (m, g) -> m' */
  readonly m: GpuKernelSource;
  /** (v, g) -> v' */
  readonly v: GpuKernelSource;
  /** (p, m', v'; lrT) -> p' */
  readonly param: GpuKernelSource;
}

/** The name of the step-size uniform of the param kernel. */
export const ADAM_STEP_SIZE = 'lrT';

const [a0, a1, a2, a3] = [S.arg(0), S.arg(1), S.arg(2), S.arg(3)];

/** decay * old + (1 - decay) * new, new squared when `square`. */
function movingAverage(decay: number, square: boolean): ScalarExpr {
  const g = square ? S.bin('mul', a1, a1) : a1;
  return S.bin('add', S.bin('mul', S.c(decay), a0), S.bin('mul', S.c(1 - decay), g));
}

export function emitAdamKernels(shape: readonly number[], hp: AdamHyperparameters): GpuAdamKernels {
  const pair = [shape, shape];
  const paramExpr = S.bin('sub', a0, S.bin('div', S.bin('mul', a3, a1), S.bin('add', S.un('sqrt', a2), S.c(hp.epsilon))));
  return {
    m: assembleKernel({ label: 'adam m', out: shape, inputs: pair, attrs: {}, emit: pointwiseEmitter(() => movingAverage(hp.beta1, false)) }),
    v: assembleKernel({ label: 'adam v', out: shape, inputs: pair, attrs: {}, emit: pointwiseEmitter(() => movingAverage(hp.beta2, true)) }),
    param: assembleKernel({
      label: 'adam param', out: shape, inputs: [shape, shape, shape], attrs: {},
      emit: pointwiseEmitter(() => paramExpr, [ADAM_STEP_SIZE]), scalars: [ADAM_STEP_SIZE],
    }),
  };
}
