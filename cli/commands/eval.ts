// nnc eval <model.ts|model.nnc> --weights FILE: loads saved weights into the compiled model
// and reports loss and accuracy on the test set (only the test set is read), and for a
// classifier its per-class precision and recall.

import type { Command } from '../command';
import { UsageError } from '../command';
import { onePositional, parseCommandArgs } from '../args';
import { escapeText } from '../escape';
import { loadTrainedWeights } from '../../runtime/io/weights';
import { labelModeForLoss } from '../../runtime/train/compatibility';
import { evaluateWithConfusion } from '../../runtime/train/confusion';
import { BACKEND_HELP, BATCH_SIZE_HELP, nonEmpty, readBackend, readBatchSize, readFma, readThreads } from './train-args';
import { asUsageErrors } from './train-errors';
import { compiledFor, openModel, sizesFor } from '../model-arg';
import { checkRunFits } from '../resources';
import { createRunEngine } from '../engine';
import { dataSourceFor, describeSource, loadTestSet, normalized, statisticsFor } from './train-data';
import { checkFiniteWeights } from './weights-check';
import { classificationSummary } from '../class-table';

const usage = `Usage: nnc eval <model.ts|model.nnc> --weights <file> [options]

Loads weights (weights.safetensors from nnc train, or a checkpoint's .safetensors) into the
model (a model file, compiled first, or a compiled model from nnc build) and prints its loss
and accuracy on the test set (the t10k files; the training files are not needed); for a
classifier also its top-k accuracy (with that metric) and each class's precision and recall.

Options:
  --weights <file>   the safetensors file to evaluate (required)
  --data <dir>       evaluate on the IDX files in <dir> (default: the model's data)
${BATCH_SIZE_HELP}
${BACKEND_HELP}
  -h, --help         show this help
`;

export const command: Command = {
  name: 'eval',
  usage,
  async run(args) {
    const p = parseCommandArgs(args, { weights: { type: 'string' }, data: { type: 'string' }, 'batch-size': { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' }, fma: { type: 'string' } });
    if (p.values.help) { process.stdout.write(usage); return 0; }
    const file = onePositional(p, 'model file');
    const weights = nonEmpty(p, 'weights');
    if (weights === undefined) throw new UsageError('--weights <file> is required (e.g. runs/<model>-<timestamp>/weights.safetensors)');
    const data = nonEmpty(p, 'data');
    const batchSizeFlag = readBatchSize(p);
    const backend = readBackend(p);
    const threads = readThreads(p);
    const fma = readFma(p);
    return asUsageErrors(async () => {
      const model = await openModel(file);
      if (model === null) return 1;
      const source = dataSourceFor(model, data);
      const { test, pixels } = loadTestSet(model, source);
      const batchSize = batchSizeFlag ?? model.facts.fit.batchSize;
      const origin = { value: batchSize, flag: batchSizeFlag === undefined ? null : '--batch-size' };
      const sizes = { ...sizesFor(batchSize, 0, [test.count]), trainBatches: [] };
      const compiled = await compiledFor(model, sizes, origin);
      checkRunFits(model.arg, compiled, { backend, trainBatches: [], inferBatches: sizes.inferBatches ?? [], examples: test.count }, origin);
      const engine = await createRunEngine(model, compiled, { backend, seed: model.facts.fit.seed, threads, fma, notice: (l) => process.stderr.write(escapeText(l) + '\n') });
      try {
        const normalization = loadTrainedWeights(engine, weights, model.facts.io.inputShape, statisticsFor(model, pixels));
        checkFiniteWeights(engine, weights);
        process.stdout.write(escapeText(`Evaluating ${model.facts.name} with ${weights} on ${describeSource(source)}: ${test.count} test examples, ${engine.description}`) + '\n');
        const ds = normalized(test, normalization);
        const { evaluation: result, confusion } = evaluateWithConfusion(engine, ds, batchSize, labelModeForLoss(model.facts.loss), model.facts.loss, model.facts.io);
        process.stdout.write(`Test loss: ${result.loss} / Test accuracy: ${result.accuracy}\n`);
        process.stdout.write(classificationSummary(confusion, model.facts.io, result));
        return 0;
      } finally {
        engine.dispose();
      }
    });
  },
};
