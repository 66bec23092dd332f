// The WAT rules for opaque ops against each op's float64 reference, on generated shapes and
// values, run as thread 0 of several (the other threads must leave memory alone).

import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { Attrs, Node } from '../../../../compiler/ir/types';
import { tensor, type Tensor } from '../../../../compiler/ir/tensor';
import { getOp } from '../../../../compiler/ops';
import { emitOpaque } from '../../../../compiler/codegen/cpu/opaque';
import { emitRowSoftmax } from '../../../../compiler/codegen/cpu/wat/softmax';
import { emitBlockReduce, emitRowReduce, emitStoreConstant } from '../../../../compiler/codegen/cpu/wat/scalarKernels';
import { firstMismatch, loadKernels } from './wat/loopHarness';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Runs `op`'s WAT rule on `inputs` (laid out one after another) and returns its output, or null without a rule. */
async function runRule(op: string, attrs: Attrs, inputs: readonly Tensor[], outShape: readonly number[]): Promise<Float32Array | null> {
  let cursor = 0;
  const placed = inputs.map((t) => { const at = { shape: t.shape, offset: cursor }; cursor += 4 * size(t.shape) + 16; return at; });
  const out = cursor;
  const node: Node = { id: 9, op, inputs: inputs.map((_, k) => k), attrs, type: { dtype: 'f32', shape: outShape } };
  const fns = emitOpaque({ name: 'k', node, inputs: placed, outShape, out });
  if (fns === null) return null;
  const m = await loadKernels(fns, out + 4 * size(outShape) + 64);
  inputs.forEach((t, k) => m.f32(placed[k].offset, size(t.shape)).set(t.data));
  const result = m.f32(out, size(outShape));
  result.fill(NaN);
  const before = m.f32(0, out / 4).slice();
  for (const tid of [1, 2]) m.run('k', tid, 3); // threads other than 0 do nothing
  assert.ok(result.every(Number.isNaN), 'a thread other than 0 wrote the output');
  m.run('k', 0, 3);
  assert.deepEqual(m.f32(0, out / 4), before, 'the kernel wrote outside its output');
  return result.slice();
}

function reference(op: string, attrs: Attrs, inputs: readonly Tensor[], outShape: readonly number[]): Float64Array {
  return Float64Array.from(getOp(op).evaluate(inputs, attrs, { outShape, batch: 1, random: () => 0 }).data);
}

const shapes = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 });
const values = (n: number, scale: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: -scale, max: scale, noNaN: true }).map(Math.fround), { minLength: n, maxLength: n });

describe('codegen/cpu/opaque', () => {
  it('softmax along the last axis equals the reference, large logits included', async () => {
    await fc.assert(fc.asyncProperty(shapes.chain((s) => fc.tuple(fc.constant(s), values(size(s), 80))), async ([shape, data]) => {
      const x = tensor(shape, data);
      const got = await runRule('softmax', { axis: -1 }, [x], shape);
      assert.ok(got);
      assert.equal(firstMismatch(got, reference('softmax', { axis: -1 }, [x], shape), 1e-6, 1e-5), null);
    }), { numRuns: 40 });
  });

  it('softmax along another axis has no rule and stays a host step', async () => {
    assert.equal(await runRule('softmax', { axis: 0 }, [tensor([2, 3])], [2, 3]), null);
  });

  it('softmaxCrossEntropy (one-hot and soft labels) equals the reference', async () => {
    const cases = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 12 })).chain(([n, c]) =>
      fc.tuple(fc.constant([n, c]), values(n * c, 40), fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }), fc.boolean()));
    await fc.assert(fc.asyncProperty(cases, async ([shape, logits, classes, soft]) => {
      const [n, c] = shape;
      const labels = tensor(shape);
      classes.forEach((k, i) => { labels.data[i * c + k] = soft ? 0.75 : 1; if (soft) labels.data[i * c + ((k + 1) % c)] += 0.25; });
      const inputs = [tensor(shape, logits), labels];
      const got = await runRule('softmaxCrossEntropy', {}, inputs, [n]);
      assert.ok(got);
      assert.equal(firstMismatch(got, reference('softmaxCrossEntropy', {}, inputs, [n]), 1e-4, 1e-5), null);
    }), { numRuns: 40 });
  });

  it('reduceMean and reduceSum over any trailing block of axes (every axis included) equal the reference, keepDims or not', async () => {
    const cases = fc.tuple(shapes, fc.constantFrom('reduceMean', 'reduceSum'), fc.boolean())
      .chain(([s, op, keep]) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.constant(op), fc.constant(keep), values(size(s), 1e3)));
    await fc.assert(fc.asyncProperty(cases, async ([shape, first, op, keepDims, data]) => {
      const axes = shape.map((_, k) => k).slice(first);
      const attrs = { axes, keepDims };
      const outShape = keepDims ? shape.map((d, k) => (k >= first ? 1 : d)) : shape.slice(0, first);
      const x = tensor(shape, data);
      const got = await runRule(op, attrs, [x], outShape);
      assert.ok(got, `no rule for ${op} over axes [${axes}] of [${shape}]`);
      assert.equal(firstMismatch(got, reference(op, attrs, [x], outShape), 1e-3, 1e-6), null);
    }), { numRuns: 80 });
  });

  it('reduceMean, reduceSum and reduceMax over any middle block of axes (global pooling) equal the reference, keepDims or not', async () => {
    const cases = fc.tuple(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 4 }), fc.constantFrom('reduceMean', 'reduceSum', 'reduceMax'), fc.boolean())
      .chain(([s, op, keep]) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 2 }), fc.constant(op), fc.constant(keep), values(size(s), 1e3)))
      .chain(([s, first, op, keep, data]) => fc.tuple(fc.constant(s), fc.constant(first), fc.integer({ min: first, max: s.length - 2 }), fc.constant(op), fc.constant(keep), fc.constant(data)));
    await fc.assert(fc.asyncProperty(cases, async ([shape, first, last, op, keepDims, data]) => {
      const axes = shape.map((_, k) => k).slice(first, last + 1);
      const attrs = { axes, keepDims };
      const outShape = shape.flatMap((d, k) => (axes.includes(k) ? (keepDims ? [1] : []) : [d]));
      const x = tensor(shape, data);
      const got = await runRule(op, attrs, [x], outShape);
      assert.ok(got, `no rule for ${op} over axes [${axes}] of [${shape}]`);
      // The maximum of float32 values is exact.
      const [atol, rtol] = op === 'reduceMax' ? [0, 0] : [1e-3, 1e-6];
      assert.equal(firstMismatch(got, reference(op, attrs, [x], outShape), atol, rtol), null);
    }), { numRuns: 80 });
  });

  it('reduceMax over the last axis and over everything equals the reference; NaN propagates', async () => {
    const x = tensor([2, 3], [1, -2, 3, -0.5, -4, -6]);
    assert.deepEqual(Array.from(await runRule('reduceMax', { axes: [1] }, [x], [2]) ?? []), [3, -0.5]);
    assert.deepEqual(Array.from(await runRule('reduceMax', {}, [x], []) ?? []), [3]);
    const nan = await runRule('reduceMax', { axes: [0] }, [tensor([3, 1], [1, NaN, 2])], [1]);
    assert.ok(nan && Number.isNaN(nan[0]));
  });

  it('reduces to one value over any axes when the others have size 1; reductions over axes apart stay host steps', async () => {
    const x = tensor([3, 1, 2], [1, -2, 3, 0.5, 4, -6]);
    const got = await runRule('reduceSum', { axes: [0, 2], keepDims: false }, [x], [1]);
    assert.deepEqual(got && Array.from(got), [0.5]);
    assert.equal(await runRule('reduceSum', { axes: [0, 2], keepDims: false }, [tensor([2, 3, 2])], [3]), null);
    assert.equal(await runRule('reduceMax', { axes: [0, 2], keepDims: false }, [tensor([2, 3, 2])], [3]), null);
  });

  it('broadcastTo over a middle block of axes (global pooling\'s gradient) equals the reference; other broadcasts stay host steps', async () => {
    const cases = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 4 })
      .chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 })))
      .chain(([s, first]) => fc.tuple(fc.constant(s), fc.constant(first), fc.integer({ min: first, max: s.length - 1 }), fc.boolean()))
      .chain(([s, first, last, drop]) => {
        const inShape = s.map((d, k) => (k >= first && k <= last ? 1 : d)).slice(drop && first === 0 ? 1 : 0); // a leading block axis may be absent
        return fc.tuple(fc.constant(s), fc.constant(inShape), values(size(inShape), 10));
      });
    await fc.assert(fc.asyncProperty(cases, async ([outShape, inShape, data]) => {
      const x = tensor(inShape, data);
      const attrs = { shape: outShape };
      const got = await runRule('broadcastTo', attrs, [x], outShape);
      if (outShape.every((d, k) => d === [...Array<number>(outShape.length - inShape.length).fill(1), ...inShape][k])) return; // nothing spreads
      assert.ok(got, `no rule for [${inShape}] -> [${outShape}]`);
      assert.deepEqual(Array.from(got), Array.from(reference('broadcastTo', attrs, [x], outShape)));
    }), { numRuns: 80 });
    assert.equal(await runRule('broadcastTo', { shape: [2, 3, 2] }, [tensor([1, 3, 1])], [2, 3, 2]), null);
  });

  it('sparseSoftmaxCrossEntropy equals the reference', async () => {
    const cases = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 12 })).chain(([n, c]) =>
      fc.tuple(fc.constant([n, c]), values(n * c, 40), fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n })));
    await fc.assert(fc.asyncProperty(cases, async ([shape, logits, classes]) => {
      const inputs = [tensor(shape, logits), tensor([shape[0]], classes)];
      const got = await runRule('sparseSoftmaxCrossEntropy', {}, inputs, [shape[0]]);
      assert.ok(got);
      assert.equal(firstMismatch(got, reference('sparseSoftmaxCrossEntropy', {}, inputs, [shape[0]]), 1e-4, 1e-5), null);
    }), { numRuns: 40 });
  });

  it('categoricalCrossentropy and its sparse form on probabilities (not normalised, 0 and 1 clipped) equal the reference', async () => {
    const prob = fc.oneof(fc.constantFrom(0, 1, 1e-9), fc.double({ min: 0, max: 1, noNaN: true }).map(Math.fround));
    const cases = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 12 }), fc.boolean()).chain(([n, c, sparse]) => fc.tuple(
      fc.constant([n, c]), fc.constant(sparse), fc.array(prob, { minLength: n * c, maxLength: n * c }),
      fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }), fc.boolean(),
    ));
    await fc.assert(fc.asyncProperty(cases, async ([shape, sparse, probs, classes, soft]) => {
      const [n, c] = shape;
      fc.pre(Array.from({ length: n }, (_, i) => probs.slice(i * c, (i + 1) * c).some((v) => v > 0)).every(Boolean));
      let targets = tensor([n], classes);
      if (!sparse) {
        targets = tensor(shape);
        classes.forEach((k, i) => { targets.data[i * c + k] = soft ? 0.75 : 1; if (soft) targets.data[i * c + ((k + 1) % c)] += 0.25; });
      }
      const op = sparse ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy';
      const inputs = [tensor(shape, probs), targets];
      const got = await runRule(op, {}, inputs, [n]);
      assert.ok(got);
      assert.equal(firstMismatch(got, reference(op, {}, inputs, [n]), 1e-5, 1e-5), null);
    }), { numRuns: 80 });
  });

  it('clips a certain prediction as Keras does: it still costs about 1e-7, a zero probability -log(1e-7)', async () => {
    const probs = tensor([2, 2], [1, 0, 1, 0]);
    const got = await runRule('categoricalCrossentropy', {}, [probs, tensor([2, 2], [1, 0, 0, 1])], [2]);
    assert.ok(got);
    // -log(1 - 1e-7), where 1 - 1e-7 is 1 - 2^-23 in float32, and -log(1e-7).
    assert.ok(got[0] > 0.9e-7 && got[0] < 1.3e-7, `certain: ${got[0]}`);
    assert.ok(Math.abs(got[1] + Math.log(1e-7)) < 1e-5, `impossible: ${got[1]}`);
  });

  it('oneHot equals the reference, labels out of range or not whole included', async () => {
    const cases = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 6 })).chain(([n, depth]) =>
      fc.tuple(fc.constant(depth), fc.array(fc.oneof(fc.integer({ min: -2, max: depth + 1 }), fc.constantFrom(0.5, 2.5)), { minLength: n, maxLength: n })));
    await fc.assert(fc.asyncProperty(cases, async ([depth, labels]) => {
      const inputs = [tensor([labels.length], labels)];
      const outShape = [labels.length, depth];
      const got = await runRule('oneHot', { depth }, inputs, outShape);
      assert.ok(got);
      assert.deepEqual(Array.from(got), Array.from(reference('oneHot', { depth }, inputs, outShape)));
    }), { numRuns: 60 });
  });

  it('shapeCount stores the count of the bound shape', async () => {
    const got = await runRule('shapeCount', { axes: [0, 2] }, [tensor([250, 3, 4])], []);
    assert.deepEqual(got && Array.from(got), [1000]);
  });

  it('refuses malformed kernel parameters in one line naming the kernel and the fault', () => {
    assert.throws(() => emitRowSoftmax({ name: 'sm', rows: 2, cols: 3, input: 2, output: 0 }), /^Error: softmax 'sm': input must be a non-negative multiple of 4, got 2$/);
    assert.throws(() => emitRowSoftmax({ name: 'sm', rows: 0, cols: 3, input: 0, output: 0 }), /rows 0 and cols 3 must be positive integers/);
    assert.throws(() => emitRowReduce({ name: 'a b', rows: 1, cols: 3, input: 0, output: 16, mean: true }), /name 'a b' is not an identifier/);
    assert.throws(() => emitRowReduce({ name: 'mean', rows: 1, cols: 0, input: 0, output: 16, mean: true }), /rows 1 and cols 0 must be positive integers/);
    assert.throws(() => emitBlockReduce({ name: 'max', rows: 2, cols: 3, inner: 0, input: 0, output: 16, op: 'max' }), /rows 2, cols 3 and inner 0 must be positive integers/);
    assert.throws(() => emitStoreConstant({ name: 'c', output: -4, value: 1 }), /kernel 'c': output must be a non-negative multiple of 4, got -4/);
  });
});
