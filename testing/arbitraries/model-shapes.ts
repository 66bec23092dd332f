// Makes a drawn layer stack shape-correct: a `valid` window (conv kernel or pool) larger
// than the map it slides over shrinks to the map's size, and a reshape of an image whose
// target does not fit swaps height and width, so the stack lowers whatever was drawn. A
// repair rather than a filter: every draw is a model, and the repairs stay simple.

import type { LayerSpec, ModelSpec, Padding, ReshapeSpec } from '../../compiler/dsl/index';

type Pair = readonly [number, number];

/** Output side of a window of `k` with stride `s` over `n` cells (TensorFlow's rule). */
function slide(n: number, k: number, s: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
}

function fitWindow(map: Pair, window: Pair, padding: Padding): Pair {
  return padding === 'same' ? window : [Math.min(window[0], map[0]), Math.min(window[1], map[1])];
}

/** The layer, repaired to fit an input of `shape` (batch axis excluded), and its output shape. */
function fitLayer(layer: LayerSpec, shape: readonly number[]): { layer: LayerSpec; shape: readonly number[] } {
  const map: Pair = [shape[0], shape[1]];
  const out = (window: Pair, strides: Pair, padding: Padding, channels: number): number[] =>
    [slide(map[0], window[0], strides[0], padding), slide(map[1], window[1], strides[1], padding), channels];
  switch (layer.type) {
    case 'conv2d': {
      const kernelSize = fitWindow(map, layer.kernelSize, layer.padding);
      return { layer: { ...layer, kernelSize }, shape: out(kernelSize, layer.strides, layer.padding, layer.filters) };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const poolSize = fitWindow(map, layer.poolSize, layer.padding);
      return { layer: { ...layer, poolSize }, shape: out(poolSize, layer.strides, layer.padding, shape[2]) };
    }
    case 'flatten':
      return { layer, shape: [shape.reduce((a, b) => a * b, 1)] };
    case 'dense':
      return { layer, shape: [layer.units] };
    case 'globalAveragePooling2d':
    case 'globalMaxPooling2d':
      return { layer, shape: layer.keepDims ? [1, 1, shape[2]] : [shape[2]] };
    case 'reshape':
      return fitReshape(layer, shape);
    default:
      return { layer, shape };
  }
}

/** A reshape whose target does not fit the input's size swaps height and width instead. */
function fitReshape(layer: ReshapeSpec, shape: readonly number[]): { layer: LayerSpec; shape: readonly number[] } {
  const size = shape.reduce((a, b) => a * b, 1);
  const known = layer.targetShape.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const fits = layer.targetShape.includes(-1) ? size % known === 0 : size === known;
  const targetShape = fits ? layer.targetShape : [shape[1], shape[0], shape[2]];
  return { layer: { ...layer, targetShape }, shape: targetShape.map((d) => (d === -1 ? size / known : d)) };
}

export function fitToShapes(spec: ModelSpec): ModelSpec {
  let shape = spec.input;
  const layers = spec.layers.map((l) => {
    const fitted = fitLayer(l, shape);
    shape = fitted.shape;
    return fitted.layer;
  });
  return { ...spec, layers };
}
