// nnc predict <model.ts|model.nnc> --weights FILE --input FILE: classifies the images of an
// IDX file and prints one line per example: its class and the class probabilities.

import type { Command } from '../command';
import { UsageError } from '../command';
import { onePositional, parseCommandArgs } from '../args';
import { escapeText } from '../escape';
import { checkInputShape, loadIdxImages } from '../../runtime/data/dataset';
import { loadWeights } from '../../runtime/io/weights';
import { predict } from '../../runtime/train/evaluate';
import { BACKEND_HELP, BATCH_SIZE_HELP, nonEmpty, readBackend, readBatchSize, readThreads } from './train-args';
import { asUsageErrors } from './train-errors';
import { compiledFor, openModel } from '../model-arg';
import { checkRunFits } from '../resources';
import { createRunEngine } from '../engine';
import { checkFiniteWeights } from './weights-check';

const usage = `Usage: nnc predict <model.ts|model.nnc> --weights <file> --input <images> [options]

Classifies the images of an IDX file (e.g. t10k-images-idx3-ubyte, .gz too; pixels are
scaled to [0, 1] as in training) and prints one line per example: the predicted class,
then the probability of each class.

Options:
  --weights <file>   the safetensors file of trained weights (required)
  --input <file>     the IDX images file to classify (required)
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
      'batch-size': { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' },
    });
    if (p.values.help) { process.stdout.write(usage); return 0; }
    const file = onePositional(p, 'model file');
    const weights = nonEmpty(p, 'weights');
    if (weights === undefined) throw new UsageError('--weights <file> is required (e.g. runs/<model>-<timestamp>/weights.safetensors)');
    const input = nonEmpty(p, 'input');
    if (input === undefined) throw new UsageError('--input <file> is required (an IDX images file)');
    const batchSizeFlag = readBatchSize(p);
    const backend = readBackend(p);
    const threads = readThreads(p);
    return asUsageErrors(async () => {
      const model = await openModel(file);
      if (model === null) return 1;
      const images = loadIdxImages(input);
      const ds = { ...images, labels: new Uint8Array(images.count), classes: model.facts.io.classes };
      checkInputShape(ds, model.facts.io.inputShape, input);
      const batchSize = batchSizeFlag ?? model.facts.fit.batchSize;
      const origin = { value: batchSize, flag: batchSizeFlag === undefined ? null : '--batch-size' };
      const inferBatches = [batchSize, images.count % batchSize].filter((b) => b > 0);
      const compiled = await compiledFor(model, { trainBatches: [], inferBatches }, origin);
      checkRunFits(model.arg, compiled, { backend, trainBatches: [], inferBatches, examples: images.count }, origin);
      const engine = await createRunEngine(model, compiled, { backend, seed: model.facts.fit.seed, threads, notice: (l) => process.stderr.write(escapeText(l) + '\n') });
      try {
        loadWeights(engine, weights);
        checkFiniteWeights(engine, weights);
        const probs = predict(engine, ds, batchSize);
        process.stdout.write(formatPredictions(probs, images.count, model.facts.io.classes, p.values.json === true));
        return 0;
      } finally {
        engine.dispose();
      }
    });
  },
};

export function formatPredictions(probs: Float32Array, count: number, classes: number, json: boolean): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const row = Array.from(probs.subarray(i * classes, (i + 1) * classes));
    let best = 0;
    for (let c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
    lines.push(json
      ? JSON.stringify({ index: i, class: best, probabilities: row })
      : `${i}\t${best}\t${row.map((v) => v.toFixed(6)).join(' ')}`);
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}
