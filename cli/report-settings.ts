// The settings block of a run's report, from the plan the run was made with.

import type { RunSettings } from '../runtime/report/settings';
import type { RunPlan } from './commands/train-plan';
import { describeSource } from './commands/train-data';

/** What the report shows of `plan`; the date is now (a report is written when its run ends). */
export function reportSettings(plan: RunPlan): RunSettings {
  const { config, model } = plan;
  return {
    optimizer: model.facts.optimizer,
    loss: model.facts.loss,
    batchSize: config.batchSize,
    epochs: config.epochs,
    seed: config.seed,
    data: describeSource(config.data),
    backend: plan.backend,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}
