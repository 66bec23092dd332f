// What the compiled model says about its parameters and its inputs and outputs, read off
// the lowered graphs: the runtime initialises, constrains and feeds the model from these.

import type { Graph, Node } from '../ir/types';
import type { ModelIO, ParamInfo } from '../../format/manifest';
import type { ConstraintSpec, InitializerSpec, ModelSpec, RegularizerSpec } from '../dsl/spec';

export function paramInfo(node: Node): ParamInfo {
  const shape = node.type.shape.map((d) => {
    if (d === 'N') throw new Error(`param ${String(node.attrs.name)} has a batch axis`);
    return d;
  });
  return {
    name: String(node.attrs.name),
    shape,
    initializer: node.attrs.init as unknown as InitializerSpec,
    regularizer: (node.attrs.regularizer as unknown as RegularizerSpec | undefined) ?? null,
    constraint: (node.attrs.constraint as unknown as ConstraintSpec | undefined) ?? null,
  };
}

export function modelIO(spec: ModelSpec, forward: Graph): ModelIO {
  const inputShape = [...spec.input];
  const probs = forward.nodes.find((n) => n.id === forward.outputs.probs);
  if (!probs) throw new Error('the model has no output');
  const outputShape = probs.type.shape.slice(1).map((d) => (typeof d === 'number' ? d : 1));
  const last = probs.type.shape[probs.type.shape.length - 1];
  // One sigmoid unit with binary cross-entropy tells two classes apart; its label is the class index.
  const binary = spec.loss === 'binaryCrossentropy';
  const classes = binary ? 2 : typeof last === 'number' ? last : 1;
  const sparse = spec.loss === 'sparseCategoricalCrossentropy' || binary;
  const topK = spec.metrics.find((m) => typeof m !== 'string');
  return {
    inputShape, inputSize: inputShape.reduce((a, b) => a * b, 1), labelSize: sparse ? 1 : classes, classes, sparse, outputShape,
    ...(binary ? { threshold: spec.fromLogits === true ? 0 : 0.5 } : {}),
    ...(topK !== undefined && typeof topK !== 'string' ? { topK: topK.k } : {}),
  };
}
