// nnc compare a.ts b.ts ...: trains each model with the same data, seed and hyperparameters
// (the first model's fit settings unless overridden), then writes one report with every
// model's curves overlaid and prints a table of test loss, accuracy and seconds per epoch.

import * as path from 'path';
import { openModels, type ModelArg } from '../model-arg';
import type { Command } from '../command';
import { UsageError } from '../command';
import { parseCommandArgs } from '../args';
import type { ReportRun } from '../../runtime/report/html';
import { TrainingInterrupted } from '../../runtime/train/errors';
import { RUN_OPTIONS_HELP, RUN_OPTIONS, nonEmpty, readBackend, readFma, readOverrides, readThreads } from './train-args';
import type { FmaChoice } from '../../runtime/backends/cpu/multiply-add';
import { asUsageErrors } from './train-errors';
import { DataCache } from './train-data';
import { type RunSettings, describePlan, freshPlan, settingsFor } from './train-plan';
import { createProgressView } from './train-progress';
import { executeRun } from './train-run';
import { reportSettings } from '../report-settings';
import { safeName, timestampedDir, writeReportOrWarn } from './train-output';
import { RunStopped, withInterrupt } from './train-signal';
import type { BackendName } from '../../runtime/backends/index';
import { escapeText, shellQuote } from '../escape';
import { RunFolder } from './run-folder';
import { identityOf, type RunPlan } from './train-plan';

const usage = `Usage: nnc compare <a.ts|a.nnc> <b.ts|b.nnc> [more ...] [options]

Trains every model on the same data with the same seed and hyperparameters (the first
model's fit settings, or the options below), then writes report.html with the curves of all
of them overlaid, their SVG/PNG charts, and each model's own run in a subfolder.

Options:
${RUN_OPTIONS_HELP}
  --out <dir>        where to write the comparison (default: runs/compare-<timestamp>/)
  --force            replace the comparison already in --out (only nnc's files there are removed)
  -h, --help         show this help
`;

export const command: Command = {
  name: 'compare',
  usage,
  async run(args) {
    const p = parseCommandArgs(args, { ...RUN_OPTIONS, out: { type: 'string' }, force: { type: 'boolean' } });
    if (p.values.help) { process.stdout.write(usage); return 0; }
    if (p.positionals.length < 2) throw new UsageError(`expected at least two model files to compare, got ${p.positionals.length === 0 ? 'none' : p.positionals.join(' ')}`);
    const overrides = readOverrides(p);
    const backend = readBackend(p);
    const threads = readThreads(p);
    const fma = readFma(p);
    const out = nonEmpty(p, 'out');
    const models = await openModels(p.positionals);
    if (models === null) return 1;
    return asUsageErrors(async () => {
      const settings = settingsFor(models[0], overrides);
      models.slice(1).forEach((m) => noteOwnSettings(m, settings));
      const folder = RunFolder.fresh(out ?? timestampedDir('runs', 'compare'), { force: p.values.force === true, command: 'nnc compare', flag: '--out', resumable: false });
      try {
        return await compareModels(models, settings, { backend, threads, fma }, folder);
      } finally {
        folder.release();
      }
    });
  },
};

async function compareModels(
  models: readonly ModelArg[], settings: RunSettings, exec: { backend: BackendName; threads?: number; fma?: FmaChoice }, folder: RunFolder,
): Promise<number> {
  const warn = (line: string): void => { process.stderr.write(escapeText(line) + '\n'); };
  const outDir = folder.dir;
  const cache = new DataCache();
  const dirs = uniqueNames(models.map((m) => safeName(m.facts.name)));
  const plans: RunPlan[] = [];
  // Every model is planned (data, programs, sizes checked) before the first one trains.
  for (const [i, m] of models.entries()) plans.push(await freshPlan(m, settings, exec.backend, path.join(outDir, dirs[i]), cache));
  folder.begin(null);
  const runs: ReportRun[] = [];
  for (const [i, plan] of plans.entries()) {
    process.stdout.write(escapeText(`[${i + 1}/${plans.length}] ${describePlan(plan)}`) + '\n');
    const sub = RunFolder.fresh(plan.outDir, { force: false, command: 'nnc compare', flag: '--out', resumable: false });
    try {
      sub.begin(identityOf(plan));
      const outcome = await withInterrupt((signal) => executeRun(plan, { signal, progress: createProgressView(process.stdout), notice: warn, threads: exec.threads, fma: exec.fma }), warn);
      for (const note of outcome.notes) process.stdout.write(escapeText(note) + '\n');
      process.stdout.write(`Test loss: ${outcome.test.loss} / Test accuracy: ${outcome.test.accuracy}\n`);
      runs.push({
        name: plan.model.facts.name, history: outcome.history, test: outcome.test, secondsPerEpoch: outcome.secondsPerEpoch, params: plan.model.facts.paramCount,
        settings: reportSettings(plan), confusion: outcome.confusion,
      });
    } catch (e) {
      if (!(e instanceof RunStopped)) throw e;
      warn(`Interrupted (${e.signal}) while training ${plan.model.facts.name}; finished runs are in ${outDir}, and this one can be resumed with: `
        + `nnc train ${shellQuote(plan.model.arg)} --resume ${shellQuote(plan.outDir)}`);
      return e.exitCode;
    } finally {
      sub.release();
    }
  }
  const report = await writeReportOrWarn(outDir, runs, warn);
  process.stdout.write('\n' + comparisonTable(runs) + '\n');
  process.stdout.write(escapeText(report === null ? `Runs are in ${outDir}` : `Wrote ${report} and the charts beside it; each run is in its subfolder`) + '\n');
  return 0;
}

/** Says when a model's own fit settings are set aside for the shared ones. */
function noteOwnSettings(model: ModelArg, shared: RunSettings): void {
  const own = settingsFor(model, {});
  const differs = (['epochs', 'batchSize', 'seed', 'shuffle', 'validationSplit', 'data'] as const)
    .filter((k) => own[k] !== shared[k])
    .map((k) => `${k} ${String(own[k])} -> ${String(shared[k])}`);
  if (differs.length > 0) process.stderr.write(escapeText(`nnc compare: ${model.arg}: trained with the shared settings (${differs.join(', ')})`) + '\n');
}

function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}-${k}`;
  });
}

export function comparisonTable(runs: readonly ReportRun[]): string {
  const header = ['Model', 'Test loss', 'Test accuracy', 's/epoch', 'Parameters'];
  const rows = runs.map((r) => [
    r.name,
    r.test === null ? '-' : r.test.loss.toFixed(4),
    r.test === null ? '-' : r.test.accuracy.toFixed(4),
    r.secondsPerEpoch.toFixed(1),
    r.params.toLocaleString('en-US'),
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: readonly string[]): string => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
