// Builds a Graph node by node. `emit` asks the op's shape rule for the output type, so a
// graph built this way is well-typed by construction (ShapeError otherwise).

import type { Builder } from '../ops/op';
import { getOp } from '../ops/index';
import type { Attrs, Graph, Node, TensorType } from './types';

export class GraphBuilder implements Builder {
  private readonly nodes: Node[] = [];
  private readonly byId = new Map<number, Node>();
  private readonly outputs: Record<string, number> = {};
  private nextId = 0;

  /** Starts from an existing graph (its nodes keep their ids; new nodes follow). */
  static from(graph: Graph): GraphBuilder {
    const b = new GraphBuilder();
    for (const n of graph.nodes) b.add(n);
    Object.assign(b.outputs, graph.outputs);
    return b;
  }

  /** Appends an existing node unchanged (its inputs must already be present). */
  add(node: Node): void {
    if (this.byId.has(node.id)) throw new Error(`duplicate value %${node.id}`);
    for (const i of node.inputs) if (!this.byId.has(i)) throw new Error(`%${node.id} uses %${i} before it is defined`);
    this.nodes.push(node);
    this.byId.set(node.id, node);
    this.nextId = Math.max(this.nextId, node.id + 1);
  }

  emit(op: string, inputs: readonly number[], attrs: Attrs = {}): number {
    const def = getOp(op);
    if (inputs.length !== def.arity) throw new Error(`${op}: expects ${def.arity} inputs, got ${inputs.length}`);
    const type = def.inferType(inputs.map((i) => this.type(i)), attrs);
    return this.push(op, inputs, attrs, type);
  }

  /** Adds a node whose type is given rather than inferred (sources: inputs, params). */
  push(op: string, inputs: readonly number[], attrs: Attrs, type: TensorType): number {
    const id = this.nextId;
    this.add({ id, op, inputs: [...inputs], attrs, type });
    return id;
  }

  input(name: string, type: TensorType): number {
    return this.push('input', [], { name }, type);
  }

  param(name: string, type: TensorType, attrs: Attrs = {}): number {
    return this.push('param', [], { ...attrs, name }, type);
  }

  type(id: number): TensorType {
    return this.node(id).type;
  }

  node(id: number): Node {
    const node = this.byId.get(id);
    if (!node) throw new Error(`no value %${id}`);
    return node;
  }

  output(name: string, id: number): void {
    this.outputs[name] = id;
  }

  build(): Graph {
    return { nodes: [...this.nodes], outputs: { ...this.outputs } };
  }
}
