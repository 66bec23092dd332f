// One small checkpointed training run, shared by the checkpoint tests and the child process
// they kill, so both sides train exactly the same model on exactly the same data.

import type { RunConfig } from '../../../runtime/train/checkpoint-record';
import { CheckpointWriter, resume } from '../../../runtime/train/checkpoint';
import { fit, type FitOptions } from '../../../runtime/train/fit';
import type { History } from '../../../runtime/engine';
import { SoftmaxEngine } from './softmax-engine';
import { blobs } from './blobs';

export const RUN_CONFIG: RunConfig = {
  epochs: 8, batchSize: 16, seed: 5, shuffle: true, validationSplit: 0, labelMode: 'onehot', data: 'blobs', backend: 'test',
};
export const SOURCE = { modelFile: 'softmax.ts', modelSha256: 'f'.repeat(64), config: RUN_CONFIG };
const FEATURES = 40;
const CLASSES = 5;

export const newEngine = (): SoftmaxEngine => new SoftmaxEngine({ inputSize: FEATURES, classes: CLASSES });
export const runData = { train: blobs(160, FEATURES, CLASSES, 9), val: blobs(40, FEATURES, CLASSES, 10) };

export const fitOptions = (over: Partial<FitOptions> = {}): FitOptions => ({
  epochs: RUN_CONFIG.epochs, batchSize: RUN_CONFIG.batchSize, shuffle: RUN_CONFIG.shuffle,
  seed: RUN_CONFIG.seed, labelMode: RUN_CONFIG.labelMode, modelName: 'softmax', ...over,
});

/** Trains from scratch (or from the newest checkpoint in `dir` when `resumeRun`), checkpointing every epoch. */
export async function checkpointedRun(
  dir: string, resumeRun: boolean, over: Partial<FitOptions> = {},
): Promise<{ engine: SoftmaxEngine; history: History }> {
  const engine = newEngine();
  let resumed: Partial<FitOptions> = {};
  if (resumeRun) {
    const ck = resume(dir);
    engine.setState(ck.state);
    resumed = { initialEpoch: ck.epoch, rngState: ck.rngState, history: ck.history };
  }
  const writer = new CheckpointWriter(dir, SOURCE);
  const history = await fit(engine, runData, fitOptions({
    ...resumed,
    ...over,
    onEpochEnd: async (end) => {
      writer.write(engine.getState(), end);
      await over.onEpochEnd?.(end);
    },
  }));
  return { engine, history };
}
