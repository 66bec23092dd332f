// Values the inference graph computes from weights alone (batch normalization's per-channel
// scale gamma / sqrt(variance + epsilon) and shift beta - mean * scale): at export the weights
// are known, so these are evaluated once (float64, by the ops' reference rules) and become
// initializers. The ONNX graph is then the convolution (or MatMul) followed by one Mul and
// one Add per channel, as nnc's own programs fuse them into the convolution's epilogue.

import { eliminateDeadCode } from '../../ir/graph';
import type { Graph, Node } from '../../ir/types';
import { tensor, type Tensor } from '../../ir/tensor';
import { getOp } from '../../ops/index';
import type { ParamData } from './builder';

function staticShape(n: Node): number[] | null {
  return n.type.shape.every((d): d is number => d !== 'N') ? (n.type.shape as number[]) : null;
}

/** A weights-only node's value, or null when it reads the input, has a batch axis or draws. */
function evaluateFolded(n: Node, known: ReadonlyMap<number, Tensor>): Tensor | null {
  const shape = staticShape(n);
  const def = getOp(n.op);
  if (shape === null || def.random || n.op === 'input' || n.op === 'param') return null;
  if (n.op !== 'constant' && (n.inputs.length === 0 || !n.inputs.every((i) => known.has(i)))) return null;
  const inputs = n.inputs.map((i) => known.get(i) as Tensor);
  const out = def.evaluate(inputs, n.attrs, { outShape: shape, batch: 1, random: () => { throw new Error(`ONNX export: %${n.id} draws random numbers`); } });
  return tensor(shape, out.data);
}

/**
 * `graph` with every weights-only value that an input-dependent node reads turned into a
 * param, and `params` with those values added (named after the layer whose weights they come from).
 */
export function foldWeights(graph: Graph, params: ReadonlyMap<number, ParamData>): { graph: Graph; params: Map<number, ParamData> } {
  const known = new Map<number, Tensor>();
  const layer = new Map<number, string>();
  for (const [id, p] of params) {
    known.set(id, tensor(p.shape, p.data));
    layer.set(id, p.name.includes('.') ? p.name.slice(0, p.name.lastIndexOf('.')) : p.name);
  }
  const folded = new Set<number>();
  for (const n of graph.nodes) {
    const value = evaluateFolded(n, known);
    if (value === null) continue;
    known.set(n.id, value);
    folded.add(n.id);
    const from = n.inputs.map((i) => layer.get(i)).find((l) => l !== undefined);
    if (from !== undefined) layer.set(n.id, from);
  }
  const out = new Map(params);
  const nodes = graph.nodes.map((n): Node => {
    // Fold only values computed from a param (a lone constant stays what it is).
    if (!folded.has(n.id) || !layer.has(n.id)) return n;
    const name = `${layer.get(n.id) as string}.${n.op}_${n.id}`;
    const t = known.get(n.id) as Tensor;
    out.set(n.id, { name, shape: t.shape, data: Float32Array.from(t.data) });
    return { id: n.id, op: 'param', inputs: [], attrs: { name }, type: n.type };
  });
  const pruned = eliminateDeadCode({ nodes, outputs: graph.outputs });
  const live = new Set(pruned.nodes.map((n) => n.id));
  for (const id of [...out.keys()]) if (!live.has(id)) out.delete(id);
  return { graph: pruned, params: out };
}
