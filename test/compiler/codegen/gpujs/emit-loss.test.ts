import fc from 'fast-check';
import type { Tensor } from '../../../../compiler/ir/tensor';
import { tensor } from '../../../../compiler/ir/tensor';
import { useGpu } from '../../../support/webgl';
import { expectGpuMatchesReference } from './check-kernel';
import { f32Values, labelsOf, shapeOf, tensorOf } from './arbitraries';

/** Row shapes [...rows, classes] with 1-3 leading axes. */
const scoreShape = fc.tuple(shapeOf(1, 2, 3), fc.integer({ min: 1, max: 6 })).map(([rows, k]) => [...rows, k]);

/** Probability rows (positive, not normalised: the Keras losses divide by the row sum). */
function probabilities(shape: readonly number[]): fc.Arbitrary<Tensor> {
  return tensorOf(shape, f32Values(0.01, 1));
}

/** Dense targets: one-hot rows, or soft rows that sum to 1. */
function targets(shape: readonly number[]): fc.Arbitrary<Tensor> {
  const k = shape[shape.length - 1];
  const oneHotRows = labelsOf(shape.slice(0, -1), k).map((labels) => {
    const data = new Float64Array(labels.data.length * k);
    labels.data.forEach((label, row) => { data[row * k + label] = 1; });
    return tensor(shape, data);
  });
  const softRows = tensorOf(shape, f32Values(0, 1)).map((raw) => {
    const data = Float64Array.from(raw.data);
    for (let row = 0; row < data.length / k; row++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += data[row * k + j];
      for (let j = 0; j < k; j++) data[row * k + j] = Math.fround(sum > 0 ? data[row * k + j] / sum : 1 / k);
    }
    return tensor(shape, data);
  });
  return fc.oneof(oneHotRows, softRows);
}

describe('gpu.js loss kernels', () => {
  const gpu = useGpu();

  it('oneHot equals its reference, out-of-range labels giving zero rows', () => {
    const arb = fc.tuple(shapeOf(1, 2), fc.integer({ min: 1, max: 5 })).chain(([shape, depth]) =>
      fc.tuple(tensorOf(shape, fc.integer({ min: -1, max: depth })), fc.constant(depth)));
    fc.assert(fc.property(arb, ([labels, depth]) => {
      expectGpuMatchesReference(gpu(), { op: 'oneHot', attrs: { depth }, inputs: [labels], dtypes: ['i32'] });
    }), { numRuns: 4 });
  });

  it('softmaxCrossEntropy equals its reference for one-hot and soft targets', () => {
    const arb = scoreShape.chain((shape) => fc.tuple(tensorOf(shape, f32Values(-8, 8)), targets(shape)));
    fc.assert(fc.property(arb, ([logits, onehot]) => {
      expectGpuMatchesReference(gpu(), { op: 'softmaxCrossEntropy', inputs: [logits, onehot] });
    }), { numRuns: 5 });
  });

  it('sparseSoftmaxCrossEntropy equals its reference', () => {
    const arb = scoreShape.chain((shape) => fc.tuple(tensorOf(shape, f32Values(-8, 8)), labelsOf(shape.slice(0, -1), shape[shape.length - 1])));
    fc.assert(fc.property(arb, ([logits, labels]) => {
      expectGpuMatchesReference(gpu(), { op: 'sparseSoftmaxCrossEntropy', inputs: [logits, labels], dtypes: ['f32', 'i32'] });
    }), { numRuns: 4 });
  });

  it('categoricalCrossentropy equals its Keras reference (normalised, clipped)', () => {
    const arb = scoreShape.chain((shape) => fc.tuple(probabilities(shape), targets(shape)));
    fc.assert(fc.property(arb, ([probs, onehot]) => {
      expectGpuMatchesReference(gpu(), { op: 'categoricalCrossentropy', inputs: [probs, onehot] });
    }), { numRuns: 5 });
  });

  it('sparseCategoricalCrossentropy equals its Keras reference', () => {
    const arb = scoreShape.chain((shape) => fc.tuple(probabilities(shape), labelsOf(shape.slice(0, -1), shape[shape.length - 1])));
    fc.assert(fc.property(arb, ([probs, labels]) => {
      expectGpuMatchesReference(gpu(), { op: 'sparseCategoricalCrossentropy', inputs: [probs, labels], dtypes: ['f32', 'i32'] });
    }), { numRuns: 4 });
  });
});
