// nnc eval <model.ts|model.nnc> --weights FILE: loads saved weights into the compiled model
// and reports loss and accuracy on the test set.

import type { Command } from '../command';
import { UsageError } from '../command';
import { intOption, onePositional, parseCommandArgs } from '../args';
import { checkInputShape } from '../../runtime/data/dataset';
import { loadWeights } from '../../runtime/io/weights';
import { labelModeForLoss } from '../../runtime/train/compatibility';
import { evaluate } from '../../runtime/train/evaluate';
import { nonEmpty, readBackend, readThreads } from './train-args';
import { asUsageErrors } from './train-errors';
import { compiledFor, openModel, sizesFor } from '../model-arg';
import { createRunEngine } from '../engine';
import { DataCache, dataSourceFor, describeSource } from './train-data';

const usage = `Usage: nnc eval <model.ts|model.nnc> --weights <file> [options]

Loads weights (weights.safetensors from nnc train, or a checkpoint's .safetensors) into the
model (a model file, compiled first, or a compiled model from nnc build) and prints its loss
and accuracy on the test set.

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
    return asUsageErrors(async () => {
      const model = await openModel(file);
      if (model === null) return 1;
      const source = dataSourceFor(model, data);
      const { test } = new DataCache().get(source);
      checkInputShape(test, model.facts.io.inputShape, model.arg);
      const batchSize = batchSizeFlag ?? model.facts.fit.batchSize;
      const compiled = await compiledFor(model, { ...sizesFor(batchSize, 0, [test.count]), trainBatches: [] });
      const engine = await createRunEngine(model, compiled, { backend, seed: model.facts.fit.seed, threads, notice: (l) => process.stderr.write(l + '\n') });
      try {
        loadWeights(engine, weights);
        process.stdout.write(`Evaluating ${model.facts.name} with ${weights} on ${describeSource(source)}: ${test.count} test examples\n`);
        const result = evaluate(engine, test, batchSize, labelModeForLoss(model.facts.loss));
        process.stdout.write(`Test loss: ${result.loss} / Test accuracy: ${result.accuracy}\n`);
        return 0;
      } finally {
        engine.dispose();
      }
    });
  },
};
