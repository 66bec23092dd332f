// Puts a weights file (weights.safetensors from nnc train, or a checkpoint) into an engine,
// after checking every tensor is one of the model's with its shape; a checkpoint's
// optimizer slots are ignored.

import type { Engine, NamedTensor } from '../engine';
import { checkTensorsMatch, readSafetensors } from './safetensors';
import { CHECKPOINT_FORMAT } from '../train/checkpoint-record';

export function loadWeights(engine: Engine, file: string): void {
  const own = engine.getState();
  const { tensors, metadata } = readSafetensors(file);
  const slotNames = new Set(own.slots.map((s) => s.name));
  const params = metadata.format === CHECKPOINT_FORMAT ? tensors.filter((t) => !slotNames.has(t.name)) : tensors;
  checkTensorsMatch(own.params, params, file);
  const byName = new Map(params.map((t): [string, NamedTensor] => [t.name, t]));
  engine.setState({ params: own.params.map((t) => byName.get(t.name) ?? t), slots: own.slots, step: own.step });
}
