// Puts a weights file (weights.safetensors from nnc train, or a checkpoint) into an engine
// (weights-bytes.ts checks the tensors and ignores a checkpoint's optimizer slots).

import type { Engine } from '../engine';
import { readSafetensors } from './safetensors';
import { setWeights } from './weights-bytes';
import type { NormalizeMode } from '../../format/spec';
import { type InputNormalization, trainedNormalization } from '../data/normalize';

export function loadWeights(engine: Engine, file: string): void {
  setWeights(engine, readSafetensors(file), file);
}

/**
 * Puts a weights file into an engine and returns the input normalisation trained with them
 * (runtime/data/normalize.ts), checked against `inputShape`; `needs`: the mode that must have
 * statistics there, or null.
 */
export function loadTrainedWeights(engine: Engine, file: string, inputShape: readonly number[], needs: NormalizeMode | null): InputNormalization | null {
  const decoded = readSafetensors(file);
  setWeights(engine, decoded, file);
  return trainedNormalization(decoded.metadata, file, inputShape, needs);
}
