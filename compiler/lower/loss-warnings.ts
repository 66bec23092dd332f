// Build-time warnings about a loss and the model's output that do not fit together but still
// compile (Keras trains such models silently, or warns): a cross-entropy on probabilities
// after a layer that does not output them (raw scores from a linear layer, say), or
// fromLogits after a softmax or sigmoid, which would apply it twice.

import type { Graph, Node } from '../ir/types';
import type { LayerSpec, ModelSpec } from '../dsl/spec';
import { isCrossentropy } from '../dsl/losses';
import type { LayerInfo } from './lower';

export interface LossWarning {
  readonly message: string;
  /** Where in the spec the cause is written (the output layer). */
  readonly path: readonly (string | number)[];
}

/** Layers that pass their input's values through at inference: the output comes from before them. */
const PASS_THROUGH: ReadonlySet<string> = new Set(['dropout', 'flatten', 'reshape']);

/** The op that made the output's values, looking through reshapes (flatten). */
function producer(graph: Graph): Node | undefined {
  let node = graph.nodes.find((n) => n.id === graph.outputs.probs);
  while (node !== undefined && node.op === 'reshape') {
    const input = node.inputs[0];
    node = graph.nodes.find((n) => n.id === input);
  }
  return node;
}

function describe(layer: LayerSpec): string {
  if (layer.type === 'dense' || layer.type === 'conv2d') {
    return layer.activation === 'linear' ? 'outputs raw scores (a linear activation)' : `ends in activation '${layer.activation}'`;
  }
  if ('activation' in layer && typeof layer.activation === 'string') return `ends in activation '${layer.activation}'`;
  return `is a ${layer.type} layer`;
}

/** Warnings for `spec` given its inference graph and layer names. */
export function lossWarnings(spec: ModelSpec, forward: Graph, layers: readonly LayerInfo[]): LossWarning[] {
  if (!isCrossentropy(spec.loss)) return [];
  let index = spec.layers.length - 1;
  while (index > 0 && PASS_THROUGH.has(spec.layers[index].type)) index--;
  const layer = spec.layers[index];
  const name = layers[index]?.name ?? `layer ${index + 1}`;
  const path = ['layers', index];
  const activation = spec.loss === 'binaryCrossentropy' ? 'sigmoid' : 'softmax';
  const op = producer(forward)?.op;
  const fromLogits = spec.fromLogits === true;
  if (!fromLogits && op !== activation && !(op === 'sigmoid' && activation === 'softmax')) {
    return [{
      path,
      message: `layer '${name}' ${describe(layer)}, but ${spec.loss} expects probabilities: `
        + `use ${spec.loss}({ fromLogits: true }) or end with activation '${activation}'`,
    }];
  }
  if (fromLogits && (op === 'softmax' || op === 'sigmoid')) {
    return [{
      path,
      message: `layer '${name}' applies ${op}, but the loss has fromLogits: true and would apply ${activation} to those probabilities: `
        + `drop the ${op} (its output then is the logits) or set fromLogits: false`,
    }];
  }
  return [];
}
