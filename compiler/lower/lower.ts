// ModelSpec -> forward Graph. The graph computes `probs` (the model's output) and `loss`
// (mean loss over the batch plus regularisation terms). Training mode adds dropout masks.

import { GraphBuilder } from '../ir/builder';
import type { Graph, Shape } from '../ir/types';
import { shapeSize } from '../ir/types';
import type { LayerSpec, ModelSpec } from '../dsl/spec';
import { LAYER_CLASS, LAYER_RULES, type LayerContext, type LayerOf, type Mode } from './layers';
import { addLoss } from './loss';
import { checkInputSize, checkLayerSize } from './size-check';

/** A problem in the model found while lowering; `path` points into the spec (e.g. ['layers', 3]). */
export class LowerError extends Error {
  override name = 'LowerError';
  constructor(message: string, readonly path: readonly (string | number)[]) {
    super(message);
  }
}

export interface LayerInfo {
  readonly name: string;
  readonly className: string;
  readonly outputShape: Shape;
  readonly params: number;
}

export interface LoweredModel {
  readonly graph: Graph;
  readonly layers: readonly LayerInfo[];
  readonly paramCount: number;
}

export function lowerModel(spec: ModelSpec, mode: Mode): LoweredModel {
  checkInputSize(spec.input);
  const b = new GraphBuilder();
  const x = b.input('x', { shape: ['N', ...spec.input], dtype: 'f32' });
  const names = layerNames(spec.layers);
  const layers: LayerInfo[] = [];
  let y = x;
  spec.layers.forEach((layer, i) => {
    const built = b.build();
    const before = paramTotal(built);
    const ctx: LayerContext = { b, mode, name: names[i] };
    try {
      y = applyRule(ctx, y, layer);
    } catch (e) {
      throw new LowerError(`layer ${i + 1} (${layer.type}): ${(e as Error).message}`, ['layers', i]);
    }
    checkLayerSize(b.build(), built.nodes.length, y, `layer ${i + 1} (${layer.type}, ${names[i]})`, ['layers', i]);
    layers.push({ name: names[i], className: LAYER_CLASS[layer.type], outputShape: b.type(y).shape, params: paramTotal(b.build()) - before });
  });
  b.output('probs', y);
  try {
    b.output('loss', addLoss(b, spec, y));
  } catch (e) {
    throw new LowerError(`loss ${spec.loss}: ${(e as Error).message}`, ['loss']);
  }
  const graph = b.build();
  return { graph, layers, paramCount: paramTotal(graph) };
}

function applyRule<K extends LayerSpec['type']>(ctx: LayerContext, x: number, layer: LayerOf<K>): number {
  const rule = LAYER_RULES[layer.type as K] as (c: LayerContext, x: number, l: LayerOf<K>) => number;
  return rule(ctx, x, layer);
}

function paramTotal(g: Graph): number {
  return g.nodes.filter((n) => n.op === 'param').reduce((acc, n) => acc + shapeSize(n.type.shape as number[]), 0);
}

/** Keras' snake_case base names for automatic layer names. */
const BASE_NAME: { readonly [K in LayerSpec['type']]: string } = {
  conv2d: 'conv2d', dense: 'dense', prelu: 'prelu', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax',
  leakyRelu: 'leaky_relu', elu: 'elu', maxPool2d: 'max_pooling2d', avgPool2d: 'average_pooling2d', dropout: 'dropout', flatten: 'flatten',
  batchNormalization: 'batch_normalization',
  globalAveragePooling2d: 'global_average_pooling2d', globalMaxPooling2d: 'global_max_pooling2d', reshape: 'reshape', activation: 'activation',
};

/** Keras-like automatic names: conv2d_1, conv2d_2, prelu_1, ...; explicit names must be unique. */
function layerNames(layers: readonly LayerSpec[]): string[] {
  const counts = new Map<string, number>();
  const seen = new Map<string, number>();
  return layers.map((l, i) => {
    const n = (counts.get(l.type) ?? 0) + 1;
    counts.set(l.type, n);
    const name = l.name ?? `${BASE_NAME[l.type]}_${n}`;
    const prev = seen.get(name);
    if (prev !== undefined) throw new LowerError(`layer name '${name}' is already used by layer ${prev + 1}`, ['layers', i, 'name']);
    seen.set(name, i);
    return name;
  });
}
