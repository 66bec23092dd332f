// The errors a user can cause while training or evaluating (bad data, a damaged weights or
// checkpoint file, a loss that blew up, an output folder that cannot be written, a model too
// large for the machine): their messages are already one line naming the
// file or value at fault, so the commands show them as usage errors, never as a stack trace.

import { UsageError } from '../command';
import { DataError } from '../../runtime/data/errors';
import { WeightsFileError } from '../../runtime/io/errors';
import { CheckpointError } from '../../runtime/train/checkpoint-record';
import { TrainingError } from '../../runtime/train/errors';
import { ModelFileError } from '../../runtime/model-files';
import { EngineError } from '../../runtime/engine';
import { OutputError } from '../../runtime/io/output-errors';
import { FileReadError } from '../../runtime/io/read-file';
import { SizeLimitError } from '../../format/limits';

export function isUserError(e: unknown): e is Error {
  return e instanceof UsageError || e instanceof DataError || e instanceof WeightsFileError
    || e instanceof CheckpointError || e instanceof TrainingError || e instanceof ModelFileError || e instanceof EngineError
    || e instanceof OutputError || e instanceof FileReadError || e instanceof SizeLimitError;
}

/** Runs a command body, turning user errors into UsageError (printed as one line, exit 1). */
export async function asUsageErrors<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError || !isUserError(e)) throw e;
    throw new UsageError(e.message);
  }
}
