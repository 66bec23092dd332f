// Numerically stable log-softmax of one lane (shift by the max), shared by softmax,
// logSoftmax and the cross-entropy ops.

/** Writes log-softmax of x[offset + k*stride] into out at the same positions. */
export function logSoftmaxLane(x: Float64Array, out: Float64Array, offset: number, stride: number, length: number): void {
  let max = -Infinity;
  for (let k = 0; k < length; k++) max = Math.max(max, x[offset + k * stride]);
  let sum = 0;
  for (let k = 0; k < length; k++) sum += Math.exp(x[offset + k * stride] - max);
  const logSum = max + Math.log(sum);
  for (let k = 0; k < length; k++) out[offset + k * stride] = x[offset + k * stride] - logSum;
}
