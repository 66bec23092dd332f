// Ctrl-C during training: the first stops the run between two steps (fit checks the signal);
// a second quits at once. Either way nothing is half-written: every file is written
// atomically and synchronously, so this handler can only run between writes.

export const INTERRUPTED_EXIT_CODE = 130;

export async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>, notice: (line: string) => void): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    controller.abort();
    notice('nnc: stopping after this step (Ctrl-C again to quit now; saved checkpoints stay complete either way)');
  };
  process.on('SIGINT', onSigint);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
