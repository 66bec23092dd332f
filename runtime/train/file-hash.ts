// SHA-256 of a file's bytes, hex: ties a checkpoint to its model file and its tensors file.

import * as crypto from 'crypto';
import * as fs from 'fs';

export function sha256File(path: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(path)).digest('hex');
}
