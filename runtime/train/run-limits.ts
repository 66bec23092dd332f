// The ranges of a run's settings, shared by the command line's flags and the checkpoint
// reader, so a value one accepts the other accepts too (and `--help` can print them).

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

export const RUN_LIMITS = {
  epochs: { min: 1, max: 1_000_000 },
  batchSize: { min: 1, max: 2 ** 31 - 1 },
  /** Seeds are u32: a larger value would wrap onto a smaller one's weights. */
  seed: { min: 0, max: 2 ** 32 - 1 },
  threads: { min: 1, max: 1024 },
} as const satisfies Readonly<Record<string, IntRange>>;

export function inRange(n: number, r: IntRange): boolean {
  return Number.isSafeInteger(n) && n >= r.min && n <= r.max;
}
