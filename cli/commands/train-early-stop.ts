// Early stopping in a run (the model's fit.callbacks: [earlyStopping(...)]): the state the
// checkpoints keep, best.safetensors written beside the final weights whenever the monitored
// value improves, and, with restoreBestWeights, the best epoch's weights put back at the end
// (kept in every checkpoint meanwhile, so a resumed run restores the same ones).

import * as path from 'path';
import type { EarlyStoppingSpec, FitSpec } from '../../format/spec';
import type { Engine, NamedTensor } from '../../runtime/engine';
import type { Checkpoint } from '../../runtime/train/checkpoint';
import { EARLY_STOPPING_START, describeStop, type EarlyStoppingState } from '../../runtime/train/early-stopping';
import type { EpochEnd } from '../../runtime/train/fit';
import { writeSafetensors } from '../../runtime/io/safetensors';
import { UsageError } from '../command';

export const BEST_WEIGHTS_FILE = 'best.safetensors';

export function earlyStoppingOf(fit: FitSpec): EarlyStoppingSpec | null {
  return fit.callbacks?.find((c) => c.kind === 'earlyStopping') ?? null;
}

/** Refuses a run whose early stopping watches a validation value it will not have. */
export function checkEarlyStopping(fit: FitSpec, validationSplit: number, modelArg: string): void {
  const spec = earlyStoppingOf(fit);
  if (spec !== null && spec.monitor.startsWith('val_') && validationSplit === 0) {
    throw new UsageError(`${modelArg}: earlyStopping monitors '${spec.monitor}', but the run has no validation set (fit.validationSplit is 0); give a validationSplit or monitor 'loss'`);
  }
}

export class RunEarlyStopping {
  private state: EarlyStoppingState;
  private best: readonly NamedTensor[] | null;

  constructor(readonly spec: EarlyStoppingSpec, from: Checkpoint | null, private readonly outDir: string, private readonly modelName: string) {
    this.state = from?.earlyStopping ?? EARLY_STOPPING_START;
    this.best = from?.best ?? null;
  }

  /** fit's earlyStopping option. */
  get option(): { spec: EarlyStoppingSpec; state: EarlyStoppingState } {
    return { spec: this.spec, state: this.state };
  }

  /** After an epoch: keeps its weights when it is the best so far; returns the weights the checkpoint keeps. */
  onEpochEnd(engine: Engine, end: EpochEnd): readonly NamedTensor[] | null {
    const verdict = end.earlyStopping;
    if (verdict === null) return this.best;
    this.state = verdict.state;
    if (verdict.improved) {
      const params = engine.getState().params;
      writeSafetensors(path.join(this.outDir, BEST_WEIGHTS_FILE), params, { format: 'nnc-weights', model: this.modelName, epoch: String(end.record.epoch) });
      if (this.spec.restoreBestWeights) this.best = params.map((t) => ({ ...t, data: t.data.slice() }));
    }
    return this.spec.restoreBestWeights ? this.best : null;
  }

  /** At the end of training: restores the best weights if asked; returns what to tell the user. */
  finish(engine: Engine): string[] {
    const lines = this.state.stoppedEpoch === null ? [] : [describeStop(this.spec, this.state)];
    if (this.spec.restoreBestWeights && this.best !== null && this.state.bestEpoch !== null) {
      const now = engine.getState();
      engine.setState({ ...now, params: this.best });
      lines.push(`Restored the weights of epoch ${this.state.bestEpoch} (best ${this.spec.monitor}: ${this.state.best}); ${BEST_WEIGHTS_FILE} holds them too`);
    } else if (this.state.bestEpoch !== null) {
      lines.push(`Best ${this.spec.monitor}: ${this.state.best} at epoch ${this.state.bestEpoch}, its weights in ${BEST_WEIGHTS_FILE}`);
    }
    return lines;
  }
}
