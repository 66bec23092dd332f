// Ctrl-C (SIGINT) or SIGTERM during training: the first stops the run between two steps (fit
// checks the signal), discarding the epoch in progress; a second quits at once. Either way
// nothing is half-written: every file is written atomically and synchronously, so a handler
// runs only between writes, and temp files and the run's lock go on exit (io/atomic, io/lock).

import { TrainingInterrupted } from '../../runtime/train/errors';

export type StopSignal = 'SIGINT' | 'SIGTERM';

export const INTERRUPTED_EXIT_CODE = 130;
export const TERMINATED_EXIT_CODE = 143;

export function exitCodeFor(signal: StopSignal): number {
  return signal === 'SIGTERM' ? TERMINATED_EXIT_CODE : INTERRUPTED_EXIT_CODE;
}

/** A run stopped by a signal: the epochs it completed, and which signal. */
export class RunStopped extends Error {
  override name = 'RunStopped';

  constructor(readonly interrupted: TrainingInterrupted, readonly signal: StopSignal) {
    super(`${interrupted.message} (${signal})`);
  }

  get exitCode(): number {
    return exitCodeFor(this.signal);
  }
}

export async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>, notice: (line: string) => void): Promise<T> {
  const controller = new AbortController();
  let received: StopSignal = 'SIGINT';
  const handler = (signal: StopSignal) => (): void => {
    if (controller.signal.aborted) process.exit(exitCodeFor(signal));
    received = signal;
    controller.abort(signal);
    const again = signal === 'SIGINT' ? 'Ctrl-C again' : 'another SIGTERM';
    notice(`nnc: ${signal} received: stopping after this step (${again} to quit now; saved checkpoints stay complete either way)`);
  };
  const onSigint = handler('SIGINT');
  const onSigterm = handler('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  try {
    return await body(controller.signal);
  } catch (e) {
    if (e instanceof TrainingInterrupted) throw new RunStopped(e, received);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}
