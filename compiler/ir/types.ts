// The IR's data types: a Graph is a flat SSA list of immutable Nodes in topological order.
// Everything here is plain data (JSON-friendly) so stages can print, diff and snapshot it.

export type DType = 'f32' | 'i32';

/** A dimension is a number or the symbolic batch size `N`. */
export type Dim = number | 'N';
export type Shape = readonly Dim[];

export interface TensorType {
  readonly shape: Shape;
  readonly dtype: DType;
}

export type AttrValue = number | string | boolean | null | readonly AttrValue[] | { readonly [key: string]: AttrValue };
export type Attrs = { readonly [key: string]: AttrValue };

/** One SSA value: `%id = op(inputs...) attrs : type`. */
export interface Node {
  readonly id: number;
  readonly op: string;
  readonly inputs: readonly number[];
  readonly attrs: Attrs;
  readonly type: TensorType;
}

/** Named results of a graph (e.g. `loss`, `probs`, `grad:conv1.kernel`). */
export type Outputs = { readonly [name: string]: number };

export interface Graph {
  readonly nodes: readonly Node[];
  readonly outputs: Outputs;
}

/** Concrete shape with the batch axis bound. */
export type ConcreteShape = readonly number[];

export function bindShape(shape: Shape, batch: number): number[] {
  return shape.map((d) => (d === 'N' ? batch : d));
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function formatType(t: TensorType): string {
  return `${t.dtype}${formatShape(t.shape)}`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
