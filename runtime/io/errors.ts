// A weights or checkpoint file that cannot be used: one line naming the file and the problem.

export class WeightsFileError extends Error {
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'WeightsFileError';
    this.file = file;
  }
}
