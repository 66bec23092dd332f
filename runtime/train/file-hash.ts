// SHA-256 of a file's bytes, hex: ties a checkpoint to its model file and its tensors file.
// Read as any input is (regular files under a size limit: a FIFO would block the hash).

import * as crypto from 'crypto';
import { READ_LIMITS, readRegularFile } from '../io/read-file';

export function sha256File(path: string): string {
  return crypto.createHash('sha256').update(readRegularFile(path, READ_LIMITS.weights)).digest('hex');
}
