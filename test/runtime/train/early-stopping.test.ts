// Early stopping (Keras 3's EarlyStopping) on scripted epoch values, the stop epochs and best
// epochs worked out by hand from Keras' rule: an epoch improves when it beats the best by more
// than minDelta; otherwise the wait grows, and training stops once wait >= patience (never
// after the first epoch). Then fit() with a scripted engine: it stops there, and a run resumed
// from the state after any epoch decides the same.

import { strict as assert } from 'node:assert';
import { earlyStopping, type EarlyStoppingOptions } from '../../../compiler/dsl/index';
import type { BatchResult, Engine, EpochRecord, TrainingState } from '../../../runtime/engine';
import { EARLY_STOPPING_START, stepEarlyStopping, type EarlyStoppingState } from '../../../runtime/train/early-stopping';
import { fit } from '../../../runtime/train/fit';
import type { Dataset } from '../../../runtime/data/dataset';

const epochOf = (epoch: number, valLoss: number, valAccuracy = 0.5): EpochRecord => ({ epoch, loss: 1, accuracy: 0.5, valLoss, valAccuracy, seconds: 0 });

/** Runs the rule over val_loss values; returns the epoch it stopped after (or null) and the best epoch. */
function script(options: EarlyStoppingOptions, values: number[], monitorAccuracy = false): { stopped: number | null; best: number | null; improved: number[] } {
  const spec = earlyStopping(options);
  let s: EarlyStoppingState = EARLY_STOPPING_START;
  const improved: number[] = [];
  for (let e = 1; e <= values.length; e++) {
    const v = stepEarlyStopping(spec, s, monitorAccuracy ? epochOf(e, 0, values[e - 1]) : epochOf(e, values[e - 1]));
    s = v.state;
    if (v.improved) improved.push(e);
    if (v.stop) break;
  }
  return { stopped: s.stoppedEpoch, best: s.bestEpoch, improved };
}

describe('early stopping', () => {
  it('stops once val_loss has not improved by minDelta for patience epochs', () => {
    // 0.79 does not beat 0.8 by 0.02: epochs 3 and 4 wait, patience 2 stops after epoch 4.
    assert.deepEqual(script({ patience: 2, minDelta: 0.02 }, [1, 0.8, 0.85, 0.79, 0.5]), { stopped: 4, best: 2, improved: [1, 2] });
    // Without minDelta 0.79 improves; then 0.9, 0.95 wait: stops after epoch 6.
    assert.deepEqual(script({ patience: 2 }, [1, 0.8, 0.85, 0.79, 0.9, 0.95, 0.1]), { stopped: 6, best: 4, improved: [1, 2, 4] });
  });

  it('patience 0 stops at the first epoch that does not improve (the first epoch always improves)', () => {
    assert.deepEqual(script({ patience: 0 }, [1, 2, 0.5]), { stopped: 2, best: 1, improved: [1] });
    assert.deepEqual(script({ patience: 0 }, [1]), { stopped: null, best: 1, improved: [1] });
  });

  it("watches accuracies upward in mode 'auto' (and 'max'), losses downward", () => {
    assert.deepEqual(script({ monitor: 'val_accuracy', patience: 1 }, [0.5, 0.6, 0.55, 0.7], true), { stopped: 3, best: 2, improved: [1, 2] });
    assert.deepEqual(script({ monitor: 'val_loss', mode: 'max', patience: 1 }, [0.5, 0.6, 0.55]), { stopped: 3, best: 2, improved: [1, 2] });
  });

  it('a baseline never beaten keeps the wait growing; startFromEpoch skips the first epochs', () => {
    // Epochs 1 and 2 improve but stay above 0.5, so the wait is not reset: epoch 3 makes it 3.
    assert.deepEqual(script({ patience: 3, baseline: 0.5 }, [1, 0.9, 0.95, 0.1]), { stopped: 3, best: 2, improved: [1, 2] });
    assert.deepEqual(script({ patience: 3 }, [1, 0.9, 0.95, 0.1]), { stopped: null, best: 4, improved: [1, 2, 4] });
    // An improving epoch never stops training, however long the wait (Keras returns before the check).
    assert.deepEqual(script({ patience: 1, baseline: 0.5 }, [1, 0.9, 0.8, 0.7]), { stopped: null, best: 4, improved: [1, 2, 3, 4] });
    assert.deepEqual(script({ patience: 1, startFromEpoch: 2 }, [0.1, 0.2, 1, 2, 3]), { stopped: 4, best: 3, improved: [3] });
  });

  describe('in fit()', () => {
    /** An engine whose single weight counts the steps taken, and whose val_loss follows `script` epoch by epoch. */
    class ScriptedEngine implements Engine {
      readonly description = 'scripted';
      readonly inputSize = 1;
      readonly labelSize = 1;
      weight = 0;
      step = 0;
      private evaluations = 0;
      constructor(private readonly script: readonly number[]) {}
      trainStep(): BatchResult { this.weight += 1; this.step += 1; return { loss: 1, correct: 0 }; }
      evaluate(): BatchResult { return { loss: this.script[this.evaluations++], correct: 0 }; }
      predict(): Float32Array { return new Float32Array(1); }
      getState(): TrainingState { return { params: [{ name: 'w', shape: [1], data: Float32Array.of(this.weight) }], slots: [], step: this.step }; }
      setState(s: TrainingState): void { this.weight = s.params[0].data[0]; this.step = s.step; }
      dispose(): void { /* nothing held */ }
    }
    const set = (count: number): Dataset => ({ x: new Float32Array(count), labels: new Uint8Array(count), count, inputShape: [1], classes: 2 });
    const data = (): { train: Dataset; val: Dataset } => ({ train: set(4), val: set(2) });
    const VAL = [1, 0.7, 0.8, 0.75, 0.9, 0.6, 0.5];
    const spec = earlyStopping({ patience: 3, restoreBestWeights: true });

    async function train(initial: { epoch: number; state: EarlyStoppingState } | null, engine: ScriptedEngine, history: EpochRecord[]): Promise<EarlyStoppingState> {
      let state = initial?.state ?? EARLY_STOPPING_START;
      await fit(engine, data(), {
        epochs: 20, batchSize: 4, shuffle: false, seed: 1, labelMode: 'sparse', earlyStopping: { spec, state },
        initialEpoch: initial?.epoch ?? 0, history: { model: 'm', epochs: [...history] },
        onEpochEnd: (end) => { state = end.earlyStopping?.state ?? state; history.push(end.record); },
      });
      return state;
    }

    it('stops after epoch 5 (0.8, 0.75, 0.9 do not beat 0.7 of epoch 2) and remembers epoch 2 as the best', async () => {
      const engine = new ScriptedEngine(VAL);
      const history: EpochRecord[] = [];
      const s = await train(null, engine, history);
      assert.deepEqual(s, { wait: 3, best: 0.7, bestEpoch: 2, stoppedEpoch: 5 });
      assert.equal(history.length, 5);
      assert.equal(engine.weight, 5, 'one step per epoch, five epochs');
    });

    it('a run resumed from the state after any epoch stops at the same epoch with the same best', async () => {
      for (let cut = 1; cut <= 4; cut++) {
        const first = new ScriptedEngine(VAL);
        const history: EpochRecord[] = [];
        let at: EarlyStoppingState = EARLY_STOPPING_START;
        await fit(first, data(), {
          epochs: cut, batchSize: 4, shuffle: false, seed: 1, labelMode: 'sparse', earlyStopping: { spec, state: at },
          onEpochEnd: (end) => { at = end.earlyStopping?.state ?? at; history.push(end.record); },
        });
        const resumed = new ScriptedEngine(VAL.slice(cut));
        const s = await train({ epoch: cut, state: at }, resumed, history);
        assert.deepEqual(s, { wait: 3, best: 0.7, bestEpoch: 2, stoppedEpoch: 5 }, `cut after epoch ${cut}`);
        assert.equal(history.length, 5);
      }
    });

    it('a resumed run that had already stopped trains no further epoch', async () => {
      const engine = new ScriptedEngine([]);
      const history = VAL.slice(0, 5).map((v, i) => epochOf(i + 1, v));
      const s = await train({ epoch: 5, state: { wait: 3, best: 0.7, bestEpoch: 2, stoppedEpoch: 5 } }, engine, history);
      assert.equal(s.stoppedEpoch, 5);
      assert.equal(engine.weight, 0);
    });
  });
});
