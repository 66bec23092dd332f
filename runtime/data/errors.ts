// Data problems reach the user as one line that names the file and what is wrong with it,
// so the CLI can print `err.message` as is, without a stack trace.

export class DataError extends Error {
  /** The file at fault, or null when the problem is not tied to one file. */
  readonly file: string | null;

  constructor(file: string | null, problem: string) {
    super(file === null ? problem : `${file}: ${problem}`);
    this.name = 'DataError';
    this.file = file;
  }
}
