// Puts a weights file (weights.safetensors from nnc train, or a checkpoint) into an engine
// (weights-bytes.ts checks the tensors and ignores a checkpoint's optimizer slots).

import type { Engine } from '../engine';
import { readSafetensors } from './safetensors';
import { setWeights } from './weights-bytes';

export function loadWeights(engine: Engine, file: string): void {
  setWeights(engine, readSafetensors(file), file);
}
