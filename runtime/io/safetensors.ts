// safetensors files on disk (huggingface/safetensors): safetensors-bytes.ts encodes and
// decodes them; here they are written atomically and read with one-line errors.

import type { NamedTensor } from '../engine';
import { writeFileAtomic } from './atomic';
import { WeightsFileError } from './errors';
import { FileReadError, READ_LIMITS, readRegularFile } from './read-file';
import { checkTensorsMatch, decodeSafetensors, encodeSafetensors } from './safetensors-bytes';

export { checkTensorsMatch };

export function writeSafetensors(path: string, tensors: readonly NamedTensor[], metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata, path));
}

export function readSafetensors(path: string): { tensors: NamedTensor[]; metadata: Record<string, string> } {
  let bytes: Buffer;
  try {
    // Regular files under a size limit only: a FIFO or /dev/zero would hang or fill memory.
    bytes = readRegularFile(path, READ_LIMITS.weights);
  } catch (err) {
    if (err instanceof FileReadError) throw new WeightsFileError(path, err.problem);
    throw err;
  }
  return decodeSafetensors(bytes, path);
}
