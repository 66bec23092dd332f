import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { emitSoftmaxCrossEntropy, type SoftmaxCrossEntropyParams } from '../../../../../compiler/codegen/cpu/wat/softmax';
import { firstMismatch, loadKernels, type KernelModule } from './loopHarness';

function argmax(xs: ArrayLike<number>, from: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (xs[from + c] > xs[from + best]) best = c;
  return best;
}

/** Float64 reference: stable softmax, loss = logsumexp - sum(y*z)/..., gradient of the mean loss. */
function reference(z: Float32Array, labels: Float32Array, n: number, c: number, sparse: boolean) {
  const probs = new Float64Array(n * c), dlogits = new Float64Array(n * c), loss = new Float64Array(n);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const y = Array.from({ length: c }, (_, k) => (sparse ? (labels[i] === k ? 1 : 0) : labels[i * c + k]));
    let m = -Infinity;
    for (let k = 0; k < c; k++) m = Math.max(m, z[i * c + k]);
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.exp(z[i * c + k] - m);
    const lse = m + Math.log(s);
    const sy = y.reduce((a, b) => a + b, 0);
    for (let k = 0; k < c; k++) {
      probs[i * c + k] = Math.exp(z[i * c + k] - m) / s;
      dlogits[i * c + k] = (probs[i * c + k] * sy - y[k]) / n;
      loss[i] += y[k] * (lse - z[i * c + k]);
    }
    if (argmax(z, i * c, c) === (sparse ? labels[i] : argmax(y, 0, c))) correct++;
  }
  return { probs, dlogits, loss, mean: loss.reduce((a, b) => a + b, 0) / n, correct };
}

function layout(n: number, c: number, sparse: boolean, name = 'sce'): SoftmaxCrossEntropyParams & { bytes: number } {
  const nc = n * c * 4;
  const labels = nc, lossPerExample = labels + (sparse ? n * 4 : nc), probs = lossPerExample + n * 4, dlogits = probs + nc;
  const meanLoss = dlogits + nc, correct = meanLoss + 4;
  return { name, batch: n, classes: c, logits: 0, labels, labelKind: sparse ? 'sparse' : 'onehot', lossPerExample, meanLoss, correct, probs, dlogits, bytes: correct + 4 };
}

function fillCase(m: KernelModule, p: SoftmaxCrossEntropyParams, logits: number[], classes: number[], soft: boolean): void {
  const n = p.batch, c = p.classes;
  m.f32(p.logits, n * c).set(logits);
  if (p.labelKind === 'sparse') m.f32(p.labels, n).set(classes);
  else {
    const y = m.f32(p.labels, n * c);
    y.fill(0);
    // One-hot, or (soft) a label mass split between the class and its neighbour.
    classes.forEach((k, i) => { y[i * c + k] = soft ? 0.75 : 1; if (soft) y[i * c + ((k + 1) % c)] += 0.25; });
  }
}

const caseArb = fc.record({ n: fc.integer({ min: 1, max: 12 }), c: fc.integer({ min: 1, max: 12 }) }).chain(({ n, c }) => fc.record({
  n: fc.constant(n), c: fc.constant(c),
  sparse: fc.boolean(), soft: fc.boolean(),
  shift: fc.constantFrom(0, 1000, -1000),
  logits: fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -30, max: 30, noNaN: true })), { minLength: n * c, maxLength: n * c }),
  classes: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
}));

describe('codegen/cpu/wat/softmax', () => {
  it('equals the float64 reference: loss per example and mean, correct count, probabilities, gradient', async () => {
    await fc.assert(fc.asyncProperty(caseArb, async ({ n, c, sparse, soft, shift, logits, classes }) => {
      const p = layout(n, c, sparse);
      const m = await loadKernels([emitSoftmaxCrossEntropy(p)], p.bytes);
      const shifted = logits.map((v) => v + shift); // the max subtraction must keep this finite
      fillCase(m, p, shifted, classes, soft && !sparse);
      m.run(p.name, 0, 1);
      const z = m.f32(p.logits, n * c), labels = m.f32(p.labels, sparse ? n : n * c);
      const want = reference(z, labels, n, c, sparse);
      // log-sum-exp is rounded to f32 at the logits' magnitude, so the loss carries that ulp.
      const lossTol = 1e-5 + 2 ** -21 * (Math.abs(shift) + 30);
      assert.equal(firstMismatch(m.f32(p.probs!, n * c), want.probs, 1e-6, 1e-5), null, 'probs');
      assert.equal(firstMismatch(m.f32(p.dlogits!, n * c), want.dlogits, 1e-6 / n, 1e-5), null, 'dlogits');
      assert.equal(firstMismatch(m.f32(p.lossPerExample!, n), want.loss, lossTol, 1e-5), null, 'loss per example');
      assert.equal(firstMismatch(m.f32(p.meanLoss!, 1), [want.mean], lossTol, 1e-5), null, 'mean loss');
      assert.equal(m.i32(p.correct!, 1)[0], want.correct, 'correct');
    }), { numRuns: 60 });
  });

  it('computes only what is asked (loss alone needs no buffers) and leaves other memory alone', async () => {
    const full = layout(3, 4, false);
    const p: SoftmaxCrossEntropyParams = { name: 'sce', batch: 3, classes: 4, logits: 0, labels: full.labels, labelKind: 'onehot', meanLoss: full.meanLoss };
    const m = await loadKernels([emitSoftmaxCrossEntropy(p)], full.bytes);
    fillCase(m, p, [0, 1, 2, 3, 3, 2, 1, 0, 5, 5, 5, 5], [3, 1, 2], false);
    m.f32(full.probs!, 12).fill(7);
    m.run('sce', 0, 1);
    const want = reference(m.f32(0, 12), m.f32(full.labels, 12), 3, 4, false);
    assert.ok(Math.abs(m.f32(full.meanLoss!, 1)[0] - want.mean) < 1e-6);
    assert.ok(m.f32(full.probs!, 12).every((v) => v === 7));
  });

  it('does all the work on thread 0; other threads return without writing', async () => {
    const p = layout(2, 3, true);
    const m = await loadKernels([emitSoftmaxCrossEntropy(p)], p.bytes);
    fillCase(m, p, [1, 2, 3, 3, 2, 1], [2, 0], false);
    m.f32(p.meanLoss!, 1)[0] = -1;
    m.run(p.name, 1, 2);
    assert.equal(m.f32(p.meanLoss!, 1)[0], -1);
    m.run(p.name, 0, 2);
    assert.equal(m.i32(p.correct!, 1)[0], 2);
  });

  it('traps on a sparse label outside [0, classes), and rejects bad parameters in one line', async () => {
    const p = layout(1, 3, true);
    const m = await loadKernels([emitSoftmaxCrossEntropy(p)], p.bytes);
    fillCase(m, p, [1, 2, 3], [3], false);
    assert.throws(() => m.run(p.name, 0, 1), /unreachable/);
    assert.throws(() => emitSoftmaxCrossEntropy({ ...p, classes: 0 }), /softmax cross-entropy 'sce': classes must be a positive integer, got 0/);
    assert.throws(() => emitSoftmaxCrossEntropy({ ...p, probs: 6 }), /probs offset 6 is not a non-negative multiple of 4/);
  });
});
