// nnc predict <model.ts|model.nnc> --weights FILE --input FILE: classifies the examples of an
// IDX file, a CSV file or PNG images and prints one line per example: its class and the class
// probabilities. The examples get the model's normalisation, as in training.

import type { Command } from '../command';
import { UsageError } from '../command';
import { onePositional, parseCommandArgs } from '../args';
import { escapeText } from '../escape';
import { checkInputShape } from '../../runtime/data/dataset';
import { loadTrainedWeights } from '../../runtime/io/weights';
import { loadPredictInput, normalized, statisticsFor } from './train-data';
import { predict } from '../../runtime/train/evaluate';
import { BACKEND_HELP, BATCH_SIZE_HELP, nonEmpty, readBackend, readBatchSize, readFma, readThreads } from './train-args';
import { asUsageErrors } from './train-errors';
import { compiledFor, openModel } from '../model-arg';
import { checkRunFits } from '../resources';
import { createRunEngine } from '../engine';
import { checkFiniteWeights } from './weights-check';
import { outputWidth, predictedClass } from '../../runtime/backends/io-shapes';
import type { ModelIO } from '../../format/manifest';

const usage = `Usage: nnc predict <model.ts|model.nnc> --weights <file> --input <images> [options]

Classifies the examples of an IDX file (e.g. t10k-images-idx3-ubyte, .gz too), a CSV file
(a header, then the feature columns; a label column is skipped) or PNG images (one file, or
a folder of them), normalised as in training, and prints one line per example: the
predicted class, then the probability of each class.

Options:
  --weights <file>   the safetensors file of trained weights (required)
  --input <path>     the IDX file, .csv file, .png file or folder of PNGs to classify (required)
  --json             print one JSON object per line: {"index", "class", "probabilities"}
${BATCH_SIZE_HELP}
${BACKEND_HELP}
  -h, --help         show this help
`;

export const command: Command = {
  name: 'predict',
  usage,
  async run(args) {
    const p = parseCommandArgs(args, {
      weights: { type: 'string' }, input: { type: 'string' }, json: { type: 'boolean' },
      'batch-size': { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' }, fma: { type: 'string' },
    });
    if (p.values.help) { process.stdout.write(usage); return 0; }
    const file = onePositional(p, 'model file');
    const weights = nonEmpty(p, 'weights');
    if (weights === undefined) throw new UsageError('--weights <file> is required (e.g. runs/<model>-<timestamp>/weights.safetensors)');
    const input = nonEmpty(p, 'input');
    if (input === undefined) throw new UsageError('--input <path> is required (an IDX file, a .csv file, a .png file or a folder of PNG images)');
    const batchSizeFlag = readBatchSize(p);
    const backend = readBackend(p);
    const threads = readThreads(p);
    const fma = readFma(p);
    return asUsageErrors(async () => {
      const model = await openModel(file);
      if (model === null) return 1;
      const images = loadPredictInput(model, input);
      const raw = { ...images, labels: new Int32Array(images.count), classes: model.facts.io.classes };
      checkInputShape(raw, model.facts.io.inputShape, input);
      const batchSize = batchSizeFlag ?? model.facts.fit.batchSize;
      const origin = { value: batchSize, flag: batchSizeFlag === undefined ? null : '--batch-size' };
      const inferBatches = [batchSize, images.count % batchSize].filter((b) => b > 0);
      const compiled = await compiledFor(model, { trainBatches: [], inferBatches }, origin);
      checkRunFits(model.arg, compiled, { backend, trainBatches: [], inferBatches, examples: images.count }, origin);
      const engine = await createRunEngine(model, compiled, { backend, seed: model.facts.fit.seed, threads, fma, notice: (l) => process.stderr.write(escapeText(l) + '\n') });
      try {
        const normalization = loadTrainedWeights(engine, weights, model.facts.io.inputShape, statisticsFor(model, images.pixels));
        checkFiniteWeights(engine, weights);
        const probs = predict(engine, normalized(raw, normalization), batchSize);
        process.stdout.write(formatPredictions(probs, images.count, model.facts.io, p.values.json === true));
        return 0;
      } finally {
        engine.dispose();
      }
    });
  },
};

/** One line per example: its index, its class (arg-max, or a binary classifier's threshold) and its outputs. */
export function formatPredictions(probs: Float32Array, count: number, io: ModelIO, json: boolean): string {
  const lines: string[] = [];
  const width = outputWidth(io);
  for (let i = 0; i < count; i++) {
    const row = Array.from(probs.subarray(i * width, (i + 1) * width));
    const best = predictedClass(probs, i, io);
    lines.push(json
      ? JSON.stringify({ index: i, class: best, probabilities: row })
      : `${i}\t${best}\t${row.map((v) => v.toFixed(6)).join(' ')}`);
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}
