// A CLI subcommand: `nnc <name> ...`. main.ts loads one when it is called and dispatches to it; each prints its own
// --help text and returns an exit code. User mistakes print one line and return 1.

export interface Command {
  readonly name: string;
  /** The full `nnc <name> --help` text. */
  readonly usage: string;
  run(args: readonly string[]): Promise<number>;
}

/** A mistake in how the command was called or in its input: printed as one line, exit 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}
