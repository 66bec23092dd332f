// Initial parameter values from their initializers, with Keras' fan computations.
// Each parameter draws from its own RNG stream (seed, index), so adding a layer does not
// change the initial values of the layers before it.

import type { InitializerSpec } from '../../format/spec';
import type { ParamInfo } from '../../format/manifest';
import type { NamedTensor } from '../engine';
import { Rng } from '../../format/rng';

function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/** Keras' truncated normal: redraw beyond two standard deviations. */
function truncatedNormal(rng: Rng, stddev: number): number {
  for (;;) {
    const z = rng.normal();
    if (Math.abs(z) <= 2) return z * stddev;
  }
}

const TRUNC_CORRECTION = 0.87962566103423978;

type Sampler = (rng: Rng, fanIn: number, fanOut: number) => number;

const SAMPLERS: { readonly [K in InitializerSpec['kind']]: (spec: Extract<InitializerSpec, { kind: K }>) => Sampler } = {
  zeros: () => () => 0,
  ones: () => () => 1,
  constant: (s) => () => s.value,
  glorotUniform: () => (rng, i, o) => (rng.next() * 2 - 1) * Math.sqrt(6 / (i + o)),
  glorotNormal: () => (rng, i, o) => truncatedNormal(rng, Math.sqrt(2 / (i + o)) / TRUNC_CORRECTION),
  heNormal: () => (rng, i) => truncatedNormal(rng, Math.sqrt(2 / i) / TRUNC_CORRECTION),
  heUniform: () => (rng, i) => (rng.next() * 2 - 1) * Math.sqrt(6 / i),
};

export function initializeParam(param: ParamInfo, seed: number, index: number): NamedTensor {
  const shape = [...param.shape];
  const spec = param.initializer;
  const sampler = (SAMPLERS[spec.kind] as (s: InitializerSpec) => Sampler)(spec);
  const { fanIn, fanOut } = fans(shape);
  const rng = new Rng((seed * 1000003 + index * 7919 + 1) >>> 0);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = sampler(rng, fanIn, fanOut);
  return { name: param.name, shape, data };
}

export function initializeParams(params: readonly ParamInfo[], seed: number): NamedTensor[] {
  return params.map((p, i) => initializeParam(p, seed, i));
}
