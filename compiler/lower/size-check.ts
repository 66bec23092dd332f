// Sizes no CPU program can hold, refused while lowering so the user gets a diagnostic at the
// layer (file:line:col) instead of a crash deep in code generation or an allocation: a
// parameter, or one example of a layer's output, larger than a WebAssembly memory.

import type { Graph } from '../ir/types';
import { shapeSize } from '../ir/types';
import { MAX_TENSOR_VALUES, WASM_MAX_BYTES, formatBytes, formatCount } from '../../format/limits';
import { LowerError } from './lower';

const LIMIT = `a tensor holds at most ${formatCount(MAX_TENSOR_VALUES)} float32 values (${formatBytes(WASM_MAX_BYTES)}, the memory of a WebAssembly program)`;

export function checkInputSize(input: readonly number[]): void {
  const values = shapeSize(input);
  if (values > MAX_TENSOR_VALUES) {
    throw new LowerError(`input [${input.join(', ')}] holds ${formatCount(values)} values per example (${formatBytes(values * 4)}); ${LIMIT}`, ['input']);
  }
}

/** Checks the params a layer added (nodes from `firstNew` on) and its output per example. */
export function checkLayerSize(graph: Graph, firstNew: number, output: number, where: string, path: readonly (string | number)[]): void {
  for (const n of graph.nodes.slice(firstNew)) {
    if (n.op !== 'param') continue;
    const shape = n.type.shape as readonly number[];
    const values = shapeSize(shape);
    if (values > MAX_TENSOR_VALUES) {
      throw new LowerError(`${where}: parameter ${String(n.attrs.name)} [${shape.join(', ')}] would hold ${formatCount(values)} values (${formatBytes(values * 4)}); ${LIMIT}`, path);
    }
  }
  const out = graph.nodes.find((n) => n.id === output);
  if (out === undefined) return;
  const perExample = out.type.shape.filter((d): d is number => d !== 'N');
  const values = shapeSize(perExample);
  if (values > MAX_TENSOR_VALUES) {
    throw new LowerError(`${where}: its output [${perExample.join(', ')}] would hold ${formatCount(values)} values per example (${formatBytes(values * 4)}); ${LIMIT}`, path);
  }
}
