// The float64 reference interpreter: runs any Graph node by node with each op's
// `evaluate`. Slow and obvious on purpose; every backend and pass is checked against it.

import { getOp } from '../ops/index';
import { Rng } from '../../format/rng';
import type { Tensor } from './tensor';
import type { Graph, Shape } from './types';

export interface InterpretOptions {
  /** Seed of the RNG that draws dropout masks. */
  readonly seed?: number;
}

export interface InterpretResult {
  readonly values: Map<number, Tensor>;
  readonly outputs: Record<string, Tensor>;
}

/** Feeds are keyed by input/param name. The batch size is bound from the fed shapes. */
export function interpret(graph: Graph, feeds: Readonly<Record<string, Tensor>>, opts: InterpretOptions = {}): InterpretResult {
  const rng = new Rng(opts.seed ?? 0);
  const random = (): number => rng.next();
  const values = new Map<number, Tensor>();
  let batch: number | undefined;
  const bind = (shape: Shape): number[] => shape.map((d) => {
    if (d !== 'N') return d;
    if (batch === undefined) throw new Error('the batch size is unknown: feed an input with a batch axis first');
    return batch;
  });
  for (const node of graph.nodes) {
    if (node.op === 'input' || node.op === 'param') {
      const name = String(node.attrs.name);
      const fed = feeds[name];
      if (!fed) throw new Error(`no value fed for ${node.op} '${name}' (%${node.id})`);
      batch = bindBatch(node.type.shape, fed.shape, name, batch);
      values.set(node.id, fed);
      continue;
    }
    const inputs = node.inputs.map((i) => {
      const v = values.get(i);
      if (!v) throw new Error(`%${node.id} reads %${i} before it is computed`);
      return v;
    });
    const outShape = bind(node.type.shape);
    const out = getOp(node.op).evaluate(inputs, node.attrs, { outShape, batch: batch ?? 0, random });
    if (out.shape.length !== outShape.length || out.shape.some((d, k) => d !== outShape[k])) {
      throw new Error(`%${node.id} = ${node.op}: evaluated shape [${out.shape}] differs from the inferred [${outShape}]`);
    }
    values.set(node.id, out);
  }
  const outputs: Record<string, Tensor> = {};
  for (const [name, id] of Object.entries(graph.outputs)) {
    const v = values.get(id);
    if (!v) throw new Error(`output ${name} refers to missing value %${id}`);
    outputs[name] = v;
  }
  return { values, outputs };
}

function bindBatch(declared: Shape, fed: readonly number[], name: string, batch: number | undefined): number | undefined {
  if (declared.length !== fed.length) throw new Error(`'${name}': fed rank ${fed.length}, expected ${declared.length}`);
  let b = batch;
  declared.forEach((d, k) => {
    if (d === 'N') {
      if (b !== undefined && b !== fed[k]) throw new Error(`'${name}': batch ${fed[k]} differs from ${b}`);
      b = fed[k];
    } else if (d !== fed[k]) {
      throw new Error(`'${name}': fed shape [${fed}] does not match [${declared}]`);
    }
  });
  return b;
}
