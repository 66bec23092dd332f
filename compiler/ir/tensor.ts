// Float64 tensors for the reference interpreter: row-major, shape fully concrete.

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const buf = new Float64Array(size);
  if (data) {
    if (data.length !== size) throw new Error(`tensor: ${data.length} values for shape [${shape.join(',')}]`);
    buf.set(data);
  }
  return { shape: [...shape], data: buf };
}

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
}

/** numpy broadcasting of two shapes; throws a readable message when they do not fit. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** For each element of `outShape`, the flat index into a tensor of `inShape` broadcast to it. */
export function broadcastIndex(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const size = outShape.reduce((a, b) => a * b, 1);
  const idx = new Int32Array(size);
  const inStrides = strides(inShape);
  const offset = outShape.length - inShape.length;
  const coord = new Array<number>(outShape.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let j = 0;
    for (let d = 0; d < inShape.length; d++) if (inShape[d] !== 1) j += coord[d + offset] * inStrides[d];
    idx[flat] = j;
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++coord[d] < outShape[d]) break;
      coord[d] = 0;
    }
  }
  return idx;
}
