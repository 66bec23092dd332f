// Options shared by `nnc train`, `nnc eval` and `nnc compare`, parsed into typed values.
// Every integer is decimal digits within the range `--help` prints (RUN_LIMITS, which the
// checkpoint reader shares).

import type { OptionSpec, ParsedArgs } from '../args';
import { intOption, stringOption } from '../args';
import { UsageError } from '../command';
import { escapeText } from '../escape';
import type { BackendName } from '../../runtime/backends/index';
import { FMA_CHOICES, type FmaChoice } from '../../runtime/backends/cpu/multiply-add';
import { RUN_LIMITS } from '../../runtime/train/run-limits';

const BACKENDS: readonly BackendName[] = ['cpu', 'gpu', 'reference'];

export const RUN_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  seed: { type: 'string' },
  data: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  fma: { type: 'string' },
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
    epochs: intOption(p, 'epochs', RUN_LIMITS.epochs),
    batchSize: readBatchSize(p),
    seed: intOption(p, 'seed', RUN_LIMITS.seed),
    data: nonEmpty(p, 'data'),
  };
}

export function readBatchSize(p: ParsedArgs): number | undefined {
  return intOption(p, 'batch-size', RUN_LIMITS.batchSize);
}

export function readBackend(p: ParsedArgs): BackendName {
  const value = stringOption(p, 'backend');
  if (value === undefined) return 'cpu';
  const backend = BACKENDS.find((b) => b === value);
  if (backend === undefined) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got '${escapeText(value)}'`);
  return backend;
}

/** --threads: CPU backend worker threads; undefined means one per core. */
export function readThreads(p: ParsedArgs): number | undefined {
  return intOption(p, 'threads', RUN_LIMITS.threads);
}

/** --fma: the CPU programs' multiply-add form; undefined means the runtime's default ('auto'). */
export function readFma(p: ParsedArgs): FmaChoice | undefined {
  const value = stringOption(p, 'fma');
  if (value === undefined) return undefined;
  const choice = FMA_CHOICES.find((c) => c === value);
  if (choice === undefined) throw new UsageError(`--fma must be one of ${FMA_CHOICES.join(', ')}, got '${escapeText(value)}'`);
  return choice;
}

/** A string option that, when given, must not be empty. */
export function nonEmpty(p: ParsedArgs, name: string): string | undefined {
  const value = stringOption(p, name);
  if (value !== undefined && value.length === 0) throw new UsageError(`--${name} needs a value`);
  return value;
}

const range = (r: { min: number; max: number }): string => `${r.min}..${r.max}`;

export const BATCH_SIZE_HELP = `  --batch-size <n>   examples per batch, ${range(RUN_LIMITS.batchSize)} (default: the model's fit.batchSize)`;
export const BACKEND_HELP = `  --backend <name>   cpu (default), gpu, or reference (the slow float64 oracle)
  --threads <n>      CPU backend threads, ${range(RUN_LIMITS.threads)} (default: one per core)
  --fma <form>       CPU programs' multiply-add: auto (default: fused where the engine has
                     relaxed SIMD), on (fused; turns on Node 20's flag for it), off (exact)`;

export const RUN_OPTIONS_HELP = `  --epochs <n>       epochs to train, ${range(RUN_LIMITS.epochs)} (default: the model's fit.epochs)
${BATCH_SIZE_HELP}
  --seed <n>         seed of initialisation, shuffling and dropout, ${range(RUN_LIMITS.seed)}
                     (default: the model's fit.seed)
  --data <dir>       train on the IDX files in <dir> (default: the model's data, MNIST)
${BACKEND_HELP}`;
