// nnc eval model.ts --weights FILE: loads saved weights into the compiled model and reports
// loss and accuracy on the test set.

import type { Command } from '../command';
import { UsageError } from '../command';
import { intOption, onePositional, parseCommandArgs } from '../args';
import type { Engine, NamedTensor } from '../../runtime/engine';
import { createEngine } from '../../runtime/backends/index';
import { checkInputShape } from '../../runtime/data/dataset';
import { checkTensorsMatch, readSafetensors } from '../../runtime/io/safetensors';
import { CHECKPOINT_FORMAT } from '../../runtime/train/checkpoint-record';
import { labelModeForLoss } from '../../runtime/train/compatibility';
import { evaluate } from '../../runtime/train/evaluate';
import { nonEmpty, readBackend, readThreads } from './train-args';
import { asUsageErrors } from './train-errors';
import { compileModels } from './train-compile';
import { DataCache, dataSourceFor, describeSource } from './train-data';

const usage = `Usage: nnc eval <model.ts> --weights <file> [options]

Loads weights (weights.safetensors from nnc train, or a checkpoint's .safetensors) into the
compiled model and prints its loss and accuracy on the test set.

Options:
  --weights <file>   the safetensors file to evaluate (required)
  --data <dir>       evaluate on the IDX files in <dir> (default: the model's data, MNIST)
  --batch-size <n>   examples per batch (default: the model's fit.batchSize)
  --backend <name>   cpu (default), gpu, or reference (the slow float64 oracle)
  --threads <n>      CPU backend threads (default: one per core)
  -h, --help         show this help
`;

export const command: Command = {
  name: 'eval',
  summary: 'evaluate saved weights of a model on the test set',
  usage,
  async run(args) {
    const p = parseCommandArgs(args, { weights: { type: 'string' }, data: { type: 'string' }, 'batch-size': { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' } });
    if (p.values.help) { process.stdout.write(usage); return 0; }
    const file = onePositional(p, 'model file');
    const weights = nonEmpty(p, 'weights');
    if (weights === undefined) throw new UsageError('--weights <file> is required (e.g. runs/<model>-<timestamp>/weights.safetensors)');
    const data = nonEmpty(p, 'data');
    const batchSizeFlag = intOption(p, 'batch-size');
    const backend = readBackend(p);
    const threads = readThreads(p);
    const models = compileModels([file]);
    if (models === null) return 1;
    const [model] = models;
    return asUsageErrors(async () => {
      const source = dataSourceFor(model, data);
      const { test } = new DataCache().get(source);
      checkInputShape(test, model.spec.input, model.file);
      const engine = await createEngine(model, { backend, seed: model.spec.fit.seed, threads, notice: (l) => process.stderr.write(l + '\n') });
      try {
        loadWeights(engine, weights);
        process.stdout.write(`Evaluating ${model.spec.name} with ${weights} on ${describeSource(source)}: ${test.count} test examples\n`);
        const result = evaluate(engine, test, batchSizeFlag ?? model.spec.fit.batchSize, labelModeForLoss(model.spec.loss));
        process.stdout.write(`Test loss: ${result.loss} / Test accuracy: ${result.accuracy}\n`);
        return 0;
      } finally {
        engine.dispose();
      }
    });
  },
};

/** Puts a weights file's params into the engine; a checkpoint's optimizer slots are ignored. */
function loadWeights(engine: Engine, file: string): void {
  const own = engine.getState();
  const { tensors, metadata } = readSafetensors(file);
  const slotNames = new Set(own.slots.map((s) => s.name));
  const params = metadata.format === CHECKPOINT_FORMAT ? tensors.filter((t) => !slotNames.has(t.name)) : tensors;
  checkTensorsMatch(own.params, params, file);
  const byName = new Map(params.map((t): [string, NamedTensor] => [t.name, t]));
  engine.setState({ params: own.params.map((t) => byName.get(t.name) ?? t), slots: own.slots, step: own.step });
}
