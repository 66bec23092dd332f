import { strict as assert } from 'assert';
import { evaluate, predict } from '../../../runtime/train/evaluate';
import { SoftmaxEngine } from './softmax-engine';
import { blobs } from './blobs';

const oneHot = (labels: ArrayLike<number>, classes: number): Float32Array => {
  const out = new Float32Array(labels.length * classes);
  Array.from(labels).forEach((label, n) => { out[n * classes + label] = 1; });
  return out;
};

describe('evaluate and predict', () => {
  const ds = blobs(70, 5, 4, 21);
  const engine = new SoftmaxEngine({ inputSize: 5, classes: 4 });

  it('batched evaluation equals one pass over the whole set (batches weighted by size)', () => {
    const whole = engine.evaluate(ds.x, oneHot(ds.labels, 4), ds.count);
    for (const batchSize of [1, 8, 32, 70, 100]) {
      const result = evaluate(engine, ds, batchSize, 'onehot');
      assert.ok(Math.abs(result.loss - whole.loss) < 1e-9, `batch ${batchSize}: ${result.loss} vs ${whole.loss}`);
      assert.equal(result.accuracy, whole.correct / ds.count);
    }
  });

  it('works with sparse labels', () => {
    const sparse = new SoftmaxEngine({ inputSize: 5, classes: 4, sparseLabels: true });
    const whole = sparse.evaluate(ds.x, Float32Array.from(ds.labels), ds.count);
    assert.ok(Math.abs(evaluate(sparse, ds, 16, 'sparse').loss - whole.loss) < 1e-9);
  });

  it('predicts every example in order', () => {
    const out = predict(engine, ds, 16);
    assert.equal(out.length, ds.count * 4);
    assert.deepEqual(out, engine.predict(ds.x, ds.count));
  });

  it('refuses an empty set and a bad batch size', () => {
    assert.throws(() => evaluate(engine, blobs(0, 5, 4, 1), 8, 'onehot'), /empty data set/);
    assert.throws(() => evaluate(engine, ds, 2.5, 'onehot'), /batch size 2.5 must be a positive integer/);
  });
});
