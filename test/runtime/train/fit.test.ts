import { strict as assert } from 'assert';
import type { BatchResult, TrainingState } from '../../../runtime/engine';
import { splitValidation } from '../../../runtime/data/dataset';
import { fit, type EpochEnd, type FitOptions } from '../../../runtime/train/fit';
import { evaluate } from '../../../runtime/train/evaluate';
import { TrainingError, TrainingInterrupted } from '../../../runtime/train/errors';
import { SoftmaxEngine } from './softmax-engine';
import { blobs } from './blobs';

const FEATURES = 6;
const CLASSES = 3;
const newEngine = (): SoftmaxEngine => new SoftmaxEngine({ inputSize: FEATURES, classes: CLASSES });
const options = (over: Partial<FitOptions> = {}): FitOptions => ({
  epochs: 4, batchSize: 32, shuffle: true, seed: 11, labelMode: 'onehot', ...over,
});
const weightsOf = (state: TrainingState): Float32Array[] => [...state.params, ...state.slots].map((t) => t.data);

describe('fit', () => {
  it('learns: the loss falls far below chance (ln 3 = 1.10) and validation accuracy is high', async () => {
    const { train, val } = splitValidation(blobs(400, FEATURES, CLASSES, 1), 0.2);
    const history = await fit(newEngine(), { train, val }, options({ epochs: 10 }));
    assert.equal(history.epochs.length, 10);
    const last = history.epochs[9];
    assert.ok(last.loss < 0.3, `final training loss ${last.loss}`);
    assert.ok(last.valLoss !== null && last.valLoss < 0.3, `final validation loss ${last.valLoss}`);
    assert.ok(last.valAccuracy !== null && last.valAccuracy > 0.9, `final validation accuracy ${last.valAccuracy}`);
    assert.ok(history.epochs[0].loss > last.loss);
    assert.deepEqual(history.epochs.map((e) => e.epoch), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('includes the last partial batch and weights the epoch loss by batch size', async () => {
    const engine = newEngine();
    const results: { batch: number; result: BatchResult }[] = [];
    const step = engine.trainStep.bind(engine);
    engine.trainStep = (x, labels, batch, seed) => {
      const result = step(x, labels, batch, seed);
      results.push({ batch, result });
      return result;
    };
    const history = await fit(engine, { train: blobs(100, FEATURES, CLASSES, 2), val: null }, options({ epochs: 1 }));
    assert.deepEqual(results.map((r) => r.batch), [32, 32, 32, 4]);
    const weighted = results.reduce((sum, r) => sum + r.result.loss * r.batch, 0) / 100;
    const unweighted = results.reduce((sum, r) => sum + r.result.loss, 0) / 4;
    assert.ok(Math.abs(history.epochs[0].loss - weighted) < 1e-12);
    assert.notEqual(history.epochs[0].loss, unweighted);
    assert.equal(history.epochs[0].accuracy, results.reduce((sum, r) => sum + r.result.correct, 0) / 100);
    assert.equal(history.epochs[0].valLoss, null);
  });

  it('evaluates validation in inference mode after each epoch', async () => {
    const { train, val } = splitValidation(blobs(200, FEATURES, CLASSES, 3), 0.25);
    const engine = newEngine();
    const checked: number[] = [];
    await fit(engine, { train, val }, options({
      epochs: 2,
      onEpochEnd: ({ record }) => {
        const direct = evaluate(engine, val, 1000, 'onehot');
        assert.ok(Math.abs((record.valLoss ?? NaN) - direct.loss) < 1e-9);
        assert.equal(record.valAccuracy, direct.accuracy);
        checked.push(record.epoch);
      },
    }));
    assert.deepEqual(checked, [1, 2]);
  });

  it('is deterministic for a seed, and the seed matters', async () => {
    const data = { train: blobs(120, FEATURES, CLASSES, 4), val: null };
    const runs = await Promise.all([11, 11, 12].map(async (seed) => {
      const engine = newEngine();
      await fit(engine, data, options({ seed, epochs: 2 }));
      return weightsOf(engine.getState());
    }));
    assert.deepEqual(runs[0], runs[1]);
    assert.notDeepEqual(runs[0], runs[2]);
  });

  it('resumed from an epoch-end state, ends bit-identical to an uninterrupted run', async () => {
    const data = { train: blobs(150, FEATURES, CLASSES, 5), val: null };
    const whole = newEngine();
    const saved: { end: EpochEnd; state: TrainingState }[] = [];
    const full = await fit(whole, data, options({
      onEpochEnd: (end) => { if (end.record.epoch === 2) saved.push({ end, state: whole.getState() }); },
    }));
    assert.equal(saved.length, 1);
    const { end, state } = saved[0];
    const resumed = new SoftmaxEngine({ inputSize: FEATURES, classes: CLASSES, initSeed: 99 });
    resumed.setState(state);
    const rest = await fit(resumed, data, options({ initialEpoch: 2, rngState: end.rngState, history: end.history }));
    assert.deepEqual(weightsOf(resumed.getState()), weightsOf(whole.getState()));
    assert.equal(resumed.getState().step, whole.getState().step);
    assert.deepEqual(rest.epochs.map((e) => e.loss), full.epochs.map((e) => e.loss));
  });

  it('stops between steps when aborted, reporting the epochs completed', async () => {
    const controller = new AbortController();
    const run = fit(newEngine(), { train: blobs(100, FEATURES, CLASSES, 6), val: null }, options({
      signal: controller.signal,
      onBatch: ({ epoch, step }) => { if (epoch === 3 && step === 2) controller.abort(); },
    }));
    await assert.rejects(run, (err: unknown) => {
      assert.ok(err instanceof TrainingInterrupted);
      assert.equal(err.epoch, 3);
      assert.equal(err.step, 2);
      assert.equal(err.history.epochs.length, 2);
      return true;
    });
  });

  it('stops on a NaN loss, naming the epoch and step', async () => {
    const ds = blobs(100, FEATURES, CLASSES, 7);
    ds.x[70 * FEATURES + 2] = NaN;
    const run = fit(newEngine(), { train: ds, val: null }, options({ shuffle: false }));
    await assert.rejects(run, (err: unknown) => {
      assert.ok(err instanceof TrainingError);
      assert.match(err.message, /loss became NaN at epoch 1, step 3 of 4/);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  });

  it('refuses data that does not fit the engine, in one line', async () => {
    const run = fit(newEngine(), { train: blobs(20, FEATURES + 1, CLASSES, 8), val: null }, options());
    await assert.rejects(run, /the model takes 6 values per example but the data's examples are \[7\] \(7 values\)/);
    const sparse = fit(newEngine(), { train: blobs(20, FEATURES, CLASSES, 8), val: null }, options({ labelMode: 'sparse' }));
    await assert.rejects(sparse, /expects 3 label values per example but sparse labels of 3 classes give 1/);
    await assert.rejects(fit(newEngine(), { train: blobs(20, FEATURES, CLASSES, 8), val: null }, options({ batchSize: 0 })), /batch size 0/);
  });
});
