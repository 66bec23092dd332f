// Puts safetensors weights (weights.safetensors from nnc train, or a checkpoint) into an
// engine, after checking every tensor is one of the model's with its shape; a checkpoint's
// optimizer slots are ignored. No file system: weights.ts reads the file, a page fetches it.

import type { Engine, NamedTensor } from '../engine';
import { checkTensorsMatch, decodeSafetensors } from './safetensors-bytes';
import { CHECKPOINT_FORMAT } from '../train/checkpoint-record';

/** Sets the engine's parameters from decoded tensors; `where` names their file in errors. */
export function setWeights(engine: Engine, decoded: { tensors: readonly NamedTensor[]; metadata: Record<string, string> }, where: string): void {
  const own = engine.getState();
  const slotNames = new Set(own.slots.map((s) => s.name));
  // A checkpoint also holds the slots and, with early stopping, the best epoch's weights (best:<param>).
  const params = decoded.metadata.format === CHECKPOINT_FORMAT ? decoded.tensors.filter((t) => !slotNames.has(t.name) && !t.name.startsWith('best:')) : decoded.tensors;
  checkTensorsMatch(own.params, params, where);
  const byName = new Map(params.map((t): [string, NamedTensor] => [t.name, t]));
  engine.setState({ params: own.params.map((t) => byName.get(t.name) ?? t), slots: own.slots, step: own.step });
}

/** Sets the engine's parameters from a safetensors file's bytes; returns the file's metadata (its input normalisation, say). */
export function loadWeightsBytes(engine: Engine, bytes: Uint8Array, where: string): Record<string, string> {
  const decoded = decodeSafetensors(bytes, where);
  setWeights(engine, decoded, where);
  return decoded.metadata;
}
