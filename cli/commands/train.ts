// nnc train model.ts: compile, load the data, train with a checkpoint after every epoch,
// evaluate on the test set, write weights, history, curves and report into the run folder.
// The folder is this run's alone while it trains (run-folder.ts), and every input is checked
// before the first step.

import * as path from 'path';
import type { Command } from '../command';
import { UsageError } from '../command';
import { onePositional, parseCommandArgs } from '../args';
import { escapeText, shellQuote } from '../escape';
import { CHECKPOINTS_DIR, checkpointRecordFile } from '../../runtime/train/checkpoint';
import { RUN_OPTIONS_HELP, RUN_OPTIONS, nonEmpty, readBackend, readFma, readOverrides, readThreads, type Overrides } from './train-args';
import type { FmaChoice } from '../../runtime/backends/cpu/multiply-add';
import { asUsageErrors } from './train-errors';
import { openModel, type ModelArg } from '../model-arg';
import { DataCache } from './train-data';
import { describePlan, freshPlan, identityOf, resumePlan, settingsFor, type RunPlan } from './train-plan';
import { createProgressView } from './train-progress';
import { executeRun } from './train-run';
import { reportSettings } from '../report-settings';
import { HISTORY_FILE, WEIGHTS_FILE, timestampedDir, writeReportOrWarn } from './train-output';
import { RunStopped, withInterrupt } from './train-signal';
import { RunFolder, runDirOf } from './run-folder';
import type { BackendName } from '../../runtime/backends/index';

const usage = `Usage: nnc train <model.ts|model.nnc> [options]

Compiles a model file (or loads a compiled model from nnc build) and trains it as Keras'
fit does: shuffled batches each epoch, the last fraction of the training set
(fit.validationSplit) for validation, then the test set.
Writes weights.safetensors, history.json, the curves (SVG, PNG) with report.html, and a
checkpoint after every epoch, so an interrupted run loses at most the epoch in progress.
A run folder holds one run: it is locked while the run trains, and a new run refuses a
folder that holds another one.

Options:
${RUN_OPTIONS_HELP}
  --out <dir>        where to write the run (default: runs/<model>-<timestamp>/)
  --force            replace the run already in --out (only nnc's files there are removed)
  --resume <dir>     continue the run in <dir> from its last checkpoint; it ends with the
                     same weights as if it had never stopped (--epochs may extend it)
  -h, --help         show this help

Ctrl-C or SIGTERM stops after the current step, keeps the last checkpoint and prints the
command that resumes the run (exit code 130 or 143).
`;

interface TrainArgs {
  readonly file: string;
  readonly overrides: Overrides;
  readonly backend: BackendName;
  readonly threads: number | undefined;
  readonly fma: FmaChoice | undefined;
  readonly out: string | undefined;
  readonly resumeDir: string | undefined;
  readonly force: boolean;
}

export const command: Command = {
  name: 'train',
  usage,
  async run(args) {
    const p = parseCommandArgs(args, { ...RUN_OPTIONS, out: { type: 'string' }, resume: { type: 'string' }, force: { type: 'boolean' } });
    if (p.values.help) { process.stdout.write(usage); return 0; }
    const a: TrainArgs = {
      file: onePositional(p, 'model file'), overrides: readOverrides(p), backend: readBackend(p), threads: readThreads(p), fma: readFma(p),
      out: nonEmpty(p, 'out'), resumeDir: nonEmpty(p, 'resume'), force: p.values.force === true,
    };
    if (a.out !== undefined && a.resumeDir !== undefined) throw new UsageError('--out and --resume do not combine: a resumed run continues in its own folder');
    if (a.force && a.resumeDir !== undefined) throw new UsageError('--force and --resume do not combine: --force starts a new run in place of an old one');
    return asUsageErrors(async () => {
      const model = await openModel(a.file);
      if (model === null) return 1;
      const folder = a.resumeDir !== undefined
        ? RunFolder.existing(runDirOf(a.resumeDir), `nnc train --resume ${a.resumeDir}`)
        : RunFolder.fresh(a.out ?? timestampedDir('runs', model.facts.name), { force: a.force, command: `nnc train ${a.file}`, flag: '--out', resumable: true });
      try {
        if (folder.staleLockNotice !== null) process.stderr.write(escapeText(folder.staleLockNotice) + '\n');
        const plan = await planRun(model, a, folder);
        folder.begin(plan.from === null ? identityOf(plan) : null);
        return await trainPlan(plan, a.file, { threads: a.threads, fma: a.fma });
      } finally {
        folder.release();
      }
    });
  },
};

async function planRun(model: ModelArg, a: TrainArgs, folder: RunFolder): Promise<RunPlan> {
  const cache = new DataCache();
  if (a.resumeDir !== undefined) return resumePlan(model, a.overrides, a.backend, folder.dir, folder.identity(), cache);
  return freshPlan(model, settingsFor(model, a.overrides), a.backend, folder.dir, cache);
}

async function trainPlan(plan: RunPlan, file: string, cpu: { threads?: number; fma?: FmaChoice }): Promise<number> {
  const say = (line: string): void => { process.stdout.write(escapeText(line) + '\n'); };
  const warn = (line: string): void => { process.stderr.write(escapeText(line) + '\n'); };
  say(describePlan(plan));
  for (const s of plan.from?.skipped ?? []) warn(`nnc train: skipped checkpoint ${s.file}: ${s.reason}`);
  if (plan.from !== null && plan.from.skipped.length > 0) warn(`nnc train: resuming from ${plan.from.file}`);
  try {
    const outcome = await withInterrupt((signal) => executeRun(plan, { signal, progress: createProgressView(process.stdout), notice: warn, ...cpu }), warn);
    for (const note of outcome.notes) say(note);
    say(`Test loss: ${outcome.test.loss} / Test accuracy: ${outcome.test.accuracy}`);
    if (outcome.test.topKAccuracy !== undefined) say(`Test top-${plan.model.facts.io.topK} accuracy: ${outcome.test.topKAccuracy}`);
    const report = await writeReportOrWarn(plan.outDir, [{
      name: plan.model.facts.name, history: outcome.history, test: outcome.test,
      secondsPerEpoch: outcome.secondsPerEpoch, params: plan.model.facts.paramCount,
      settings: reportSettings(plan), confusion: outcome.confusion,
    }], warn);
    const written = [WEIGHTS_FILE, HISTORY_FILE, ...(report === null ? [] : [path.basename(report), 'charts']), `${CHECKPOINTS_DIR}/`];
    say(`Wrote ${written.join(', ')} to ${plan.outDir}`);
    return 0;
  } catch (e) {
    if (!(e instanceof RunStopped)) throw e;
    warn(stoppedLine(e, plan, file));
    return e.exitCode;
  }
}

/** What a stopped run kept and how to go on: one line. */
export function stoppedLine(e: RunStopped, plan: RunPlan, file: string): string {
  const done = e.interrupted.history.epochs.length;
  const by = `Interrupted (${e.signal}) during epoch ${e.interrupted.epoch}`;
  if (done === 0) return `${by}, before any epoch finished: nothing to resume.`;
  return `${by} (its steps are discarded); epoch ${done} is checkpointed in ${checkpointRecordFile(plan.outDir, done)}. `
    + `Resume with: nnc train ${shellQuote(file)} --resume ${shellQuote(plan.outDir)}`;
}
