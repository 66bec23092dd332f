// Builds the ONNX graph for the exporter and keeps track of layouts. nnc's tensors are
// channels-last (NHWC) and ONNX's Conv and pools are channels-first (NCHW), so each IR value
// may be held in ONNX in a permuted order: `perm[i]` is the IR axis that ONNX dim i holds.
// A value is asked for in the order its consumer needs: a param's data is permuted once into
// an initializer; any other value gets a Transpose of the form already emitted. Values thus
// stay NCHW from the first conv or pool through biases, activations and later convs and
// pools, and turn back to NHWC only where the IR's row-major order matters (flatten, output).

import type { Graph, Node, TensorType } from '../../ir/types';
import { attrInts, floatTensor, type AttributeProto, type NodeProto, type TensorProto } from './proto';

/** The ONNX order of an NHWC tensor held channels-first. */
export const NCHW: readonly number[] = [0, 3, 1, 2];

/** A form of an IR value in the ONNX graph: its tensor name, and its dim order (null: the IR's own). */
interface Form {
  readonly name: string;
  readonly perm: readonly number[] | null;
}

export interface ParamData {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

function samePerm(a: readonly number[] | null, b: readonly number[] | null, rank: number): boolean {
  const id = (p: readonly number[] | null): readonly number[] => p ?? Array.from({ length: rank }, (_, i) => i);
  return id(a).length === id(b).length && id(a).every((d, i) => d === id(b)[i]);
}

/** `data` of `shape` with its axes reordered: output dim i is input axis perm[i]. */
export function permuteData(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const strides = new Array<number>(rank).fill(1);
  for (let k = rank - 2; k >= 0; k--) strides[k] = strides[k + 1] * shape[k + 1];
  const outShape = perm.map((a) => shape[a]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let from = 0;
    for (let i = 0; i < rank; i++) from += index[i] * strides[perm[i]];
    out[o] = data[from];
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

export class OnnxGraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly forms = new Map<number, Form[]>();
  private readonly byId: ReadonlyMap<number, Node>;

  /** `reserved`: names only the caller gives out (the graph's input and output). */
  constructor(graph: Graph, private readonly params: ReadonlyMap<number, ParamData>, reserved: readonly string[]) {
    this.byId = new Map(graph.nodes.map((n) => [n.id, n]));
    for (const r of reserved) this.used.add(r);
  }

  type(id: number): TensorType {
    const n = this.byId.get(id);
    if (!n) throw new Error(`ONNX export: no value %${id}`);
    return n.type;
  }

  /** A tensor name not used yet, from a readable base. */
  fresh(base: string): string {
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  node(opType: string, inputs: readonly string[], outputs: readonly string[], attribute: readonly AttributeProto[] = []): void {
    this.nodes.push({ opType, name: outputs[0], input: [...inputs], output: [...outputs], attribute: [...attribute] });
  }

  /** Records the tensor that holds IR value `id` (in dim order `perm`) as the value's own form. */
  define(id: number, name: string, perm: readonly number[] | null = null): void {
    this.forms.set(id, [{ name, perm }]);
  }

  isParam(id: number): boolean {
    return this.params.has(id);
  }

  /** The dim order of the value's own form (null for params: they take any order). */
  permOf(id: number): readonly number[] | null {
    if (this.params.has(id)) return null;
    return this.forms.get(id)?.[0].perm ?? null;
  }

  /**
   * The tensor holding IR value `id` in dim order `perm` (null: the IR's order). A param of
   * lower rank than `perm` is first given leading 1s, as broadcasting would.
   */
  value(id: number, perm: readonly number[] | null = null): string {
    const rank = perm?.length ?? this.type(id).shape.length;
    const have = this.forms.get(id) ?? [];
    const found = have.find((f) => samePerm(f.perm, perm, rank));
    if (found) return found.name;
    const name = this.params.has(id) ? this.paramForm(id, perm) : this.transposed(id, have, perm, rank);
    this.forms.set(id, [...have, { name, perm }]);
    return name;
  }

  private paramForm(id: number, perm: readonly number[] | null): string {
    const p = this.params.get(id) as ParamData;
    const rank = perm?.length ?? p.shape.length;
    const shape = [...new Array<number>(Math.max(0, rank - p.shape.length)).fill(1), ...p.shape];
    const dims = perm ? perm.map((a) => shape[a]) : shape;
    const data = perm ? permuteData(p.data, shape, perm) : p.data;
    const name = this.fresh(p.name);
    const doc = perm ? `nnc's ${p.name} [${p.shape.join(',')}] with its axes in the order [${perm.join(',')}]` : `nnc's ${p.name}`;
    this.initializers.push(floatTensor(name, dims, data, doc));
    return name;
  }

  private transposed(id: number, have: readonly Form[], perm: readonly number[] | null, rank: number): string {
    const from = have[0];
    if (!from) throw new Error(`ONNX export: %${id} is used before it is defined`);
    if (this.type(id).shape.length !== rank) throw new Error(`ONNX export: %${id} has rank ${this.type(id).shape.length}, not ${rank}`);
    const ident = Array.from({ length: rank }, (_, i) => i);
    const src = from.perm ?? ident;
    const want = perm ?? ident;
    const name = this.fresh(`${from.name}.t`);
    this.node('Transpose', [from.name], [name], [attrInts('perm', want.map((axis) => src.indexOf(axis)))]);
    return name;
  }

  /** Renames a tensor produced by a node (and its uses), so the graph output gets its public name. */
  rename(from: string, to: string): boolean {
    const producer = this.nodes.find((n) => n.output?.includes(from));
    if (!producer) return false;
    for (const n of this.nodes) {
      n.input = (n.input ?? []).map((x) => (x === from ? to : x));
      n.output = (n.output ?? []).map((x) => (x === from ? to : x));
      if (n.name === from) n.name = to;
    }
    return true;
  }
}
