// A CPU program too large for a WebAssembly memory, explained: which program, at which batch
// size, and what takes the room (the parameters with their gradients and optimizer slots, or
// the largest layer's output at that batch size), so the user knows what to shrink.

import type { ProgramMode } from '../../format/manifest';
import { SizeLimitError, formatBytes, optimizerSlots } from '../../format/limits';
import type { CompiledModel } from '../pipeline';

export function withProgramSize<T>(model: CompiledModel, mode: ProgramMode, batch: number, generate: () => T): T {
  try {
    return generate();
  } catch (e) {
    if (!(e instanceof SizeLimitError) || e.program !== undefined) throw e;
    const what = mode === 'train' ? 'training' : 'inference';
    throw new SizeLimitError(
      `the ${what} program at batch size ${batch} needs ${formatBytes(e.bytes)} of memory, over the ${formatBytes(e.limit)} `
      + `a WebAssembly program can address ${culprit(model, mode, batch)}`,
      e.bytes, e.limit, { mode, batch },
    );
  }
}

function culprit(model: CompiledModel, mode: ProgramMode, batch: number): string {
  const copies = mode === 'train' ? 2 + optimizerSlots(model.spec.optimizer) : 1;
  const what = mode === 'train' ? 'parameters with their gradients and optimizer slots' : 'parameters';
  const param = [...model.paramInfo].sort((a, b) => size(b.shape) - size(a.shape))[0];
  const params = param === undefined ? `${what}: 0 bytes`
    : `${what}: ${formatBytes(model.paramCount * 4 * copies)}, the largest ${param.name} [${param.shape.join(', ')}]`;
  const layers = model.layers.map((l) => ({ name: l.name, shape: l.outputShape.filter((d): d is number => d !== 'N') }));
  const layer = layers.sort((a, b) => size(b.shape) - size(a.shape))[0];
  const output = layer === undefined ? '' : `; the largest layer output: ${layer.name}'s [${layer.shape.join(', ')}] per example, ${formatBytes(size(layer.shape) * 4 * batch)} at this batch size`;
  return `(${params}${output})`;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
