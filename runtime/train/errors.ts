// Training problems reach the user as one line (the CLI prints `message` as is).

import type { History } from '../engine';

/** Something in the run itself went wrong: a non-finite loss, data that does not fit the model. */
export class TrainingError extends Error {
  override name = 'TrainingError';
}

/** The run was asked to stop (Ctrl-C) between two steps; carries the epochs completed so far. */
export class TrainingInterrupted extends Error {
  override name = 'TrainingInterrupted';

  constructor(
    readonly history: History,
    /** 1-based epoch that was running when the stop was noticed (its work is discarded). */
    readonly epoch: number,
    /** Steps of that epoch already taken. */
    readonly step: number,
  ) {
    super(`training interrupted during epoch ${epoch} after ${step} steps`);
  }
}
