// conv2d and dense: the layers with a kernel and a bias, as Keras's Conv2D and Dense.

import type { ActivationName, ConstraintSpec, Conv2dSpec, DenseSpec, InitializerSpec, Padding, RegularizerSpec } from '../spec';
import { constraint } from '../constraints';
import { initializer, type InitializerName } from '../initializers';
import { optional, readOptions, required, type Options } from '../options';
import { regularizer } from '../regularizers';
import { bool, intPair, layerName, oneOf, positiveInt, type Ctx } from '../validate';

export const ACTIVATIONS: readonly ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu'];
export const PADDINGS: readonly Padding[] = ['valid', 'same'];

/** The options conv2d and dense share: activation, bias, and the weights' initializers, regularizers and constraints. */
export interface WeightOptions {
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec | InitializerName;
  biasInitializer?: InitializerSpec | InitializerName;
  kernelRegularizer?: RegularizerSpec | null;
  biasRegularizer?: RegularizerSpec | null;
  kernelConstraint?: ConstraintSpec | null;
  biasConstraint?: ConstraintSpec | null;
  name?: string | null;
}

export interface Conv2dOptions extends WeightOptions {
  filters: number;
  kernelSize: number | readonly [number, number];
  strides?: number | readonly [number, number];
  padding?: Padding;
}

export interface DenseOptions extends WeightOptions {
  units: number;
}

const WEIGHT_KEYS = [
  'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer',
  'biasRegularizer', 'kernelConstraint', 'biasConstraint', 'name',
] as const;

type WeightFields = Omit<DenseSpec, 'type' | 'units'>;

function readWeightFields(o: Options): WeightFields {
  return {
    activation: optional(o, 'activation', oneOf(ACTIVATIONS), 'linear'),
    useBias: optional(o, 'useBias', bool, true),
    kernelInitializer: optional(o, 'kernelInitializer', initializer, { kind: 'glorotUniform' }),
    biasInitializer: optional(o, 'biasInitializer', initializer, { kind: 'zeros' }),
    kernelRegularizer: optional(o, 'kernelRegularizer', regularizer, null),
    biasRegularizer: optional(o, 'biasRegularizer', regularizer, null),
    kernelConstraint: optional(o, 'kernelConstraint', constraint, null),
    biasConstraint: optional(o, 'biasConstraint', constraint, null),
    name: optional(o, 'name', layerName, null),
  };
}

export function conv2dAt(raw: unknown, ctx: Ctx): Conv2dSpec {
  const o = readOptions(raw, ctx, ['filters', 'kernelSize', 'strides', 'padding', ...WEIGHT_KEYS]);
  const filters = required(o, 'filters', positiveInt);
  const kernelSize = required(o, 'kernelSize', intPair);
  const strides = optional(o, 'strides', intPair, [1, 1]);
  const padding = optional(o, 'padding', oneOf(PADDINGS), 'valid');
  const { name, ...weights } = readWeightFields(o);
  return { type: 'conv2d', filters, kernelSize, strides, padding, ...weights, name };
}

export function denseAt(raw: unknown, ctx: Ctx): DenseSpec {
  const o = readOptions(raw, ctx, ['units', ...WEIGHT_KEYS]);
  const units = required(o, 'units', positiveInt);
  const { name, ...weights } = readWeightFields(o);
  return { type: 'dense', units, ...weights, name };
}

/** A 2-D convolution over channels-last input, kernel [kh, kw, cin, filters] (HWIO). */
export function conv2d(options: Conv2dOptions): Conv2dSpec {
  return conv2dAt(options, { fn: 'conv2d', path: [] });
}

/** A fully connected layer: x @ kernel + bias, kernel [inputs, units]. */
export function dense(options: DenseOptions): DenseSpec {
  return denseAt(options, { fn: 'dense', path: [] });
}
