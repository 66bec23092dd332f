// ONNX export: a model's inference graph (its `probs` output, the softmax probabilities of a
// classifier) with its weights, as an ONNX model (opset 13) that takes the same channels-last
// input as nnc. Exported from the forward IR graph, not from the layer list, so the ONNX
// model computes what nnc's own programs compute, and a compiled model exports like its
// source. The whole file is built in memory: an op without an ONNX form throws before
// anything could be written.

import { eliminateDeadCode } from '../../ir/graph';
import { formatShape, shapeSize, type Graph, type Node } from '../../ir/types';
import { OnnxGraphBuilder, type ParamData } from './builder';
import { exportNode, hasExporter } from './ops';
import { foldWeights } from './fold';
import { encodeModel, floatValueInfo, OPSET } from './proto';

/** The exported model's input and output tensor names (nnc's own names for them). */
export const ONNX_INPUT = 'x';
export const ONNX_OUTPUT = 'probs';

export interface OnnxExportInfo {
  readonly name: string;
  readonly nncVersion: string;
  readonly sourceSha256: string;
  /** The model file's name (no folder), for the doc string. */
  readonly sourceFile: string;
}

export interface WeightTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The model cannot be exported (an op without an ONNX form, weights that do not fit): one line. */
export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

export function exportOnnx(forward: Graph, weights: readonly WeightTensor[], info: OnnxExportInfo): Uint8Array {
  const probs = forward.outputs[ONNX_OUTPUT];
  if (probs === undefined) throw new OnnxExportError(`the model's graph has no ${ONNX_OUTPUT} output`);
  const live = eliminateDeadCode({ nodes: forward.nodes, outputs: { [ONNX_OUTPUT]: probs } });
  const { graph, params } = foldWeights(live, paramData(live, weights));
  const input = checkGraph(graph);
  const b = new OnnxGraphBuilder(graph, params, [ONNX_INPUT, ONNX_OUTPUT]);
  b.define(input.id, ONNX_INPUT);
  for (const node of graph.nodes) if (node.op !== 'input') exportNode(b, node);
  const last = b.value(probs);
  if (!b.rename(last, ONNX_OUTPUT)) b.node('Identity', [last], [ONNX_OUTPUT]);
  const outputShape = graph.nodes.find((n) => n.id === probs)?.type.shape ?? [];
  return encodeModel({
    name: info.name,
    docString: `${info.name}, exported by nnc ${info.nncVersion} from ${info.sourceFile} (ONNX opset ${OPSET}). `
      + `Input ${ONNX_INPUT}: float32 ${formatShape(input.type.shape)}, channels-last like nnc's own input; `
      + `output ${ONNX_OUTPUT}: float32 ${formatShape(outputShape)}. N is the batch size.`,
    producerVersion: info.nncVersion,
    metadata: { model_name: info.name, nnc_version: info.nncVersion, source_sha256: info.sourceSha256, source_file: info.sourceFile, input_layout: 'NHWC' },
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: [floatValueInfo(ONNX_INPUT, input.type.shape, 'the examples, channels-last (NHWC for images), as nnc takes them')],
    outputs: [floatValueInfo(ONNX_OUTPUT, outputShape, "the model's output per example (class probabilities for a classifier)")],
  });
}

/** Every op exports and there is one f32 input; returns that input. */
function checkGraph(graph: Graph): Node {
  for (const n of graph.nodes) {
    if (n.op !== 'input' && !hasExporter(n.op)) throw new OnnxExportError(`op '${n.op}' (%${n.id}${layerOf(graph, n)}) has no ONNX form in nnc's exporter`);
  }
  const inputs = graph.nodes.filter((n) => n.op === 'input');
  if (inputs.length !== 1) throw new OnnxExportError(`the inference graph has ${inputs.length} inputs; ONNX export needs exactly one`);
  if (inputs[0].type.dtype !== 'f32') throw new OnnxExportError(`the model's input is ${inputs[0].type.dtype}; ONNX export needs f32`);
  return inputs[0];
}

/** ", in layer <name>" when the node reads one of a layer's params (`<layer>.<role>`). */
function layerOf(graph: Graph, node: Node): string {
  const params = graph.nodes.filter((n) => n.op === 'param' && node.inputs.includes(n.id));
  const name = params.map((p) => String(p.attrs.name)).find((n) => n.includes('.'));
  return name === undefined ? '' : `, in layer ${name.slice(0, name.lastIndexOf('.'))}`;
}

function paramData(graph: Graph, weights: readonly WeightTensor[]): Map<number, ParamData> {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const out = new Map<number, ParamData>();
  for (const n of graph.nodes) {
    if (n.op !== 'param') continue;
    const name = String(n.attrs.name);
    const shape = n.type.shape as number[];
    const w = byName.get(name);
    if (!w) throw new OnnxExportError(`no weights for param ${name} [${shape.join(',')}]`);
    const fits = w.shape.length === shape.length && w.shape.every((d, i) => d === shape[i]) && w.data.length === shapeSize(shape);
    if (!fits) throw new OnnxExportError(`weights for param ${name} have shape [${w.shape.join(',')}] (${w.data.length} values); the model's is [${shape.join(',')}]`);
    out.set(n.id, { name, shape, data: w.data });
  }
  return out;
}
