// Options shared by `nnc train`, `nnc eval` and `nnc compare`, parsed into typed values.

import type { OptionSpec, ParsedArgs } from '../args';
import { intOption, stringOption } from '../args';
import { UsageError } from '../command';
import type { BackendName } from '../../runtime/backends/index';

const BACKENDS: readonly BackendName[] = ['cpu', 'gpu', 'reference'];

export const RUN_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  seed: { type: 'string' },
  data: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
};

/** What the command line overrides of a model's own fit settings (undefined: the model's). */
export interface Overrides {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  /** An IDX folder, relative to the working directory. */
  readonly data?: string;
}

export function readOverrides(p: ParsedArgs): Overrides {
  return {
    epochs: intOption(p, 'epochs'),
    batchSize: intOption(p, 'batch-size'),
    seed: intOption(p, 'seed', { min: 0 }),
    data: nonEmpty(p, 'data'),
  };
}

export function readBackend(p: ParsedArgs): BackendName {
  const value = stringOption(p, 'backend');
  if (value === undefined) return 'cpu';
  const backend = BACKENDS.find((b) => b === value);
  if (backend === undefined) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got '${value}'`);
  return backend;
}

/** --threads: CPU backend worker threads; undefined means one per core. */
export function readThreads(p: ParsedArgs): number | undefined {
  return intOption(p, 'threads', { min: 1 });
}

/** A string option that, when given, must not be empty. */
export function nonEmpty(p: ParsedArgs, name: string): string | undefined {
  const value = stringOption(p, name);
  if (value !== undefined && value.length === 0) throw new UsageError(`--${name} needs a value`);
  return value;
}

export const RUN_OPTIONS_HELP = `  --epochs <n>       epochs to train (default: the model's fit.epochs)
  --batch-size <n>   examples per step (default: the model's fit.batchSize)
  --seed <n>         seed of initialisation, shuffling and dropout (default: the model's fit.seed)
  --data <dir>       train on the IDX files in <dir> (default: the model's data, MNIST)
  --backend <name>   cpu (default), gpu, or reference (the slow float64 oracle)
  --threads <n>      CPU backend threads (default: one per core)`;
