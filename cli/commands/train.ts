// nnc train model.ts: compile, load the data, train with a checkpoint after every epoch,
// evaluate on the test set, write weights, history, curves and report into the run folder.

import * as path from 'path';
import type { Command } from '../command';
import { UsageError } from '../command';
import { onePositional, parseCommandArgs } from '../args';
import { TrainingInterrupted } from '../../runtime/train/errors';
import { CHECKPOINTS_DIR } from '../../runtime/train/checkpoint';
import { RUN_OPTIONS_HELP, RUN_OPTIONS, nonEmpty, readBackend, readOverrides, readThreads } from './train-args';
import { asUsageErrors } from './train-errors';
import { openModel } from '../model-arg';
import { DataCache } from './train-data';
import { describePlan, freshPlan, resumePlan, settingsFor, type RunPlan } from './train-plan';
import { createProgressView } from './train-progress';
import { executeRun } from './train-run';
import { HISTORY_FILE, WEIGHTS_FILE, timestampedDir, writeReportOrWarn } from './train-output';
import { INTERRUPTED_EXIT_CODE, withInterrupt } from './train-signal';

const usage = `Usage: nnc train <model.ts|model.nnc> [options]

Compiles a model file (or loads a compiled model from nnc build) and trains it as Keras'
fit does: shuffled batches each epoch, the last fraction of the training set
(fit.validationSplit) for validation, then the test set.
Writes weights.safetensors, history.json, the curves (SVG, PNG) with report.html, and a
checkpoint after every epoch, so an interrupted run loses at most the epoch in progress.

Options:
${RUN_OPTIONS_HELP}
  --out <dir>        where to write the run (default: runs/<model>-<timestamp>/)
  --resume <dir>     continue the run in <dir> from its last checkpoint; it ends with the
                     same weights as if it had never stopped (--epochs may extend it)
  -h, --help         show this help
`;

export const command: Command = {
  name: 'train',
  usage,
  async run(args) {
    const p = parseCommandArgs(args, { ...RUN_OPTIONS, out: { type: 'string' }, resume: { type: 'string' } });
    if (p.values.help) { process.stdout.write(usage); return 0; }
    const file = onePositional(p, 'model file');
    const overrides = readOverrides(p);
    const backend = readBackend(p);
    const threads = readThreads(p);
    const out = nonEmpty(p, 'out');
    const resumeDir = nonEmpty(p, 'resume');
    if (out !== undefined && resumeDir !== undefined) throw new UsageError('--out and --resume do not combine: a resumed run continues in its own folder');
    return asUsageErrors(async () => {
      const model = await openModel(file);
      if (model === null) return 1;
      const cache = new DataCache();
      const plan = resumeDir !== undefined
        ? await resumePlan(model, overrides, backend, resumeDir, cache)
        : await freshPlan(model, settingsFor(model, overrides), backend, out ?? timestampedDir('runs', model.facts.name), cache);
      return trainPlan(plan, file, threads);
    });
  },
};

async function trainPlan(plan: RunPlan, file: string, threads: number | undefined): Promise<number> {
  const say = (line: string): void => { process.stdout.write(line + '\n'); };
  const warn = (line: string): void => { process.stderr.write(line + '\n'); };
  say(describePlan(plan));
  try {
    const outcome = await withInterrupt((signal) => executeRun(plan, { signal, progress: createProgressView(process.stdout), notice: warn, threads }), warn);
    say(`Test loss: ${outcome.test.loss} / Test accuracy: ${outcome.test.accuracy}`);
    const report = await writeReportOrWarn(plan.outDir, [{
      name: plan.model.facts.name, history: outcome.history, test: outcome.test,
      secondsPerEpoch: outcome.secondsPerEpoch, params: plan.model.facts.paramCount,
    }], warn);
    const written = [WEIGHTS_FILE, HISTORY_FILE, ...(report === null ? [] : [path.basename(report), 'charts']), `${CHECKPOINTS_DIR}/`];
    say(`Wrote ${written.join(', ')} to ${plan.outDir}`);
    return 0;
  } catch (e) {
    if (!(e instanceof TrainingInterrupted)) throw e;
    const done = e.history.epochs.length;
    warn(done === 0
      ? `Interrupted during epoch ${e.epoch}, before any epoch finished: nothing to resume.`
      : `Interrupted during epoch ${e.epoch} (its steps are discarded); epoch ${done} is checkpointed. Resume with: nnc train ${file} --resume ${plan.outDir}`);
    return INTERRUPTED_EXIT_CODE;
  }
}
