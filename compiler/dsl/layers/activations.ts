// Activation layers: PReLU (learned alpha, as Keras's PReLU), LeakyReLU, ELU, the
// parameter-free ones, and activation({ activation }) (Keras' Activation) for any named one.

import type { ActivationLayerSpec, ActivationName, ActivationSpec, ConstraintSpec, EluSpec, InitializerSpec, LeakyReluSpec, PReluSpec, RegularizerSpec } from '../spec';
import { constraint } from '../constraints';
import { initializer, type InitializerName } from '../initializers';
import { optional, readOptions, required } from '../options';
import { regularizer } from '../regularizers';
import { axisList, finiteNumber, layerName, numberIn, oneOf, positiveInt, type Ctx } from '../validate';
import { ACTIVATIONS } from './weighted';

export interface NameOptions {
  name?: string | null;
}

export interface PReluOptions extends NameOptions {
  alphaInitializer?: InitializerSpec | InitializerName;
  alphaRegularizer?: RegularizerSpec | null;
  alphaConstraint?: ConstraintSpec | null;
  /** 1-based input axes (batch excluded) that share one alpha, e.g. [1, 2] for channel-wise PReLU. */
  sharedAxes?: number | readonly number[];
}

export interface AlphaOptions extends NameOptions {
  alpha?: number;
}

export function preluAt(raw: unknown, ctx: Ctx): PReluSpec {
  const o = readOptions(raw, ctx, ['alphaInitializer', 'alphaRegularizer', 'alphaConstraint', 'sharedAxes', 'name']);
  return {
    type: 'prelu',
    alphaInitializer: optional(o, 'alphaInitializer', initializer, { kind: 'zeros' }),
    alphaRegularizer: optional(o, 'alphaRegularizer', regularizer, null),
    alphaConstraint: optional(o, 'alphaConstraint', constraint, null),
    sharedAxes: optional(o, 'sharedAxes', axisList(positiveInt), []),
    name: optional(o, 'name', layerName, null),
  };
}

export function leakyReluAt(raw: unknown, ctx: Ctx): LeakyReluSpec {
  const o = readOptions(raw, ctx, ['alpha', 'name']);
  return { type: 'leakyRelu', alpha: optional(o, 'alpha', numberIn(0, Infinity), 0.3), name: optional(o, 'name', layerName, null) };
}

export function eluAt(raw: unknown, ctx: Ctx): EluSpec {
  const o = readOptions(raw, ctx, ['alpha', 'name']);
  return { type: 'elu', alpha: optional(o, 'alpha', finiteNumber, 1), name: optional(o, 'name', layerName, null) };
}

export function activationAt(type: ActivationLayerSpec['type']): (raw: unknown, ctx: Ctx) => ActivationLayerSpec {
  return (raw, ctx) => {
    const o = readOptions(raw, ctx, ['name']);
    return { type, name: optional(o, 'name', layerName, null) };
  };
}

export interface ActivationOptions extends NameOptions {
  activation: ActivationName;
}

export function namedActivationAt(raw: unknown, ctx: Ctx): ActivationSpec {
  const o = readOptions(raw, ctx, ['activation', 'name']);
  return { type: 'activation', activation: required(o, 'activation', oneOf(ACTIVATIONS)), name: optional(o, 'name', layerName, null) };
}

const reluAt = activationAt('relu');
const sigmoidAt = activationAt('sigmoid');
const tanhAt = activationAt('tanh');
const softmaxAt = activationAt('softmax');

/** Parametric ReLU: x if x > 0, else alpha * x, alpha learned (initialised to zeros, as Keras). */
export function prelu(options: PReluOptions = {}): PReluSpec {
  return preluAt(options, { fn: 'prelu', path: [] });
}
/** x if x > 0, else alpha * x with a fixed alpha (Keras's default 0.3). */
export function leakyRelu(options: AlphaOptions = {}): LeakyReluSpec {
  return leakyReluAt(options, { fn: 'leakyRelu', path: [] });
}
/** x if x > 0, else alpha * (exp(x) - 1). */
export function elu(options: AlphaOptions = {}): EluSpec {
  return eluAt(options, { fn: 'elu', path: [] });
}
export function relu(options: NameOptions = {}): ActivationLayerSpec {
  return reluAt(options, { fn: 'relu', path: [] });
}
export function sigmoid(options: NameOptions = {}): ActivationLayerSpec {
  return sigmoidAt(options, { fn: 'sigmoid', path: [] });
}
export function tanh(options: NameOptions = {}): ActivationLayerSpec {
  return tanhAt(options, { fn: 'tanh', path: [] });
}
export function softmax(options: NameOptions = {}): ActivationLayerSpec {
  return softmaxAt(options, { fn: 'softmax', path: [] });
}
/** Applies a named activation as a layer of its own: activation({ activation: 'relu' }). */
export function activation(options: ActivationOptions): ActivationSpec {
  return namedActivationAt(options, { fn: 'activation', path: [] });
}
