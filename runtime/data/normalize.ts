// How a data source's values become the model's input, the `normalize` option of every DSL
// data source (Keras' Rescaling and Normalization layers):
//   'scale'        pixels (unsigned bytes: IDX 0x08, PNG) divided by 255, a fixed map with no
//                  statistics; any other data mapped to [0, 1] by the training split's minimum
//                  and maximum;
//   'standardize'  (x - mean) / std with the training split's statistics (pixels after /255);
//   'none'         the values as stored.
// Absent, it is 'scale' for pixels and 'none' for everything else. Statistics are per channel
// (the last axis: a colour channel of an image, a column of a table), as Keras' Normalization
// computes them by default, over the training split only (not validation, not test). They are
// part of the trained model: saved in the weights file's metadata and applied by everything
// that feeds it new data (nnc eval and predict, loadModel's predict). No file system here: a
// page uses it too.

import type { NormalizeMode } from '../../format/spec';
import { DataError } from './errors';

export type { NormalizeMode };

/** Per channel x' = (x - offset[c]) / divisor[c], in float64, rounded once to float32. */
export interface InputNormalization {
  readonly mode: 'scale' | 'standardize';
  readonly offset: readonly number[];
  readonly divisor: readonly number[];
}

/** The safetensors metadata key holding a trained model's InputNormalization as JSON. */
export const NORMALIZATION_KEY = 'nnc.input_normalization';

/** Keras' Normalization divides by max(std, epsilon): a constant channel maps to 0, not NaN. */
const EPSILON = 1e-7;

/** The mode a source's values get: the option, or the default for pixels ('scale') and other data ('none'). */
export function effectiveMode(option: NormalizeMode | undefined, pixels: boolean): NormalizeMode {
  return option ?? (pixels ? 'scale' : 'none');
}

/** Whether the mode needs statistics of the training split (otherwise it is a fixed map). */
export function needsStatistics(mode: NormalizeMode, pixels: boolean): boolean {
  return mode === 'standardize' || (mode === 'scale' && !pixels);
}

/** Pixels become [0, 1] (byte / 255, the same float32 nnc always gave MNIST) unless the mode is 'none'. */
export function pixelValues(bytes: ArrayLike<number>, mode: NormalizeMode): Float32Array {
  const out = new Float32Array(bytes.length);
  if (mode === 'none') for (let i = 0; i < bytes.length; i++) out[i] = bytes[i];
  else for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  return out;
}

/** The statistics of `x` (count examples of `channels`-wide rows) that `mode` needs, or null for a fixed map. */
export function fitNormalization(mode: NormalizeMode, pixels: boolean, x: Float32Array, channels: number): InputNormalization | null {
  if (!needsStatistics(mode, pixels)) return null;
  const rows = channels > 0 ? x.length / channels : 0;
  const offset: number[] = [];
  const divisor: number[] = [];
  for (let c = 0; c < channels; c++) {
    if (mode === 'standardize') {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += x[r * channels + c];
      const mean = rows > 0 ? sum / rows : 0;
      let squares = 0;
      for (let r = 0; r < rows; r++) squares += (x[r * channels + c] - mean) ** 2;
      offset.push(mean);
      divisor.push(Math.max(Math.sqrt(rows > 0 ? squares / rows : 0), EPSILON));
    } else {
      let lo = Infinity;
      let hi = -Infinity;
      for (let r = 0; r < rows; r++) {
        lo = Math.min(lo, x[r * channels + c]);
        hi = Math.max(hi, x[r * channels + c]);
      }
      offset.push(rows > 0 ? lo : 0);
      divisor.push(rows > 0 && hi > lo ? hi - lo : 1);
    }
  }
  return { mode: mode === 'standardize' ? 'standardize' : 'scale', offset, divisor };
}

/** A normalised copy of `x`, whose last axis has as many channels as `n` holds. */
export function applyNormalization(n: InputNormalization, x: Float32Array): Float32Array {
  const channels = n.offset.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = i % channels;
    out[i] = (x[i] - n.offset[c]) / n.divisor[c];
  }
  return out;
}

/** The weights-file metadata that records `n` (none for null). */
export function normalizationMetadata(n: InputNormalization | null): Record<string, string> {
  return n === null ? {} : { [NORMALIZATION_KEY]: JSON.stringify(n) };
}

/** The normalisation a weights file records, or null; `where` names the file in errors. */
export function readNormalization(metadata: Readonly<Record<string, string>>, where: string): InputNormalization | null {
  const text = metadata[NORMALIZATION_KEY];
  if (text === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DataError(where, `its ${NORMALIZATION_KEY} metadata is not JSON`);
  }
  const n = value as Partial<InputNormalization> | null;
  const numbers = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  const ok = n !== null && typeof n === 'object' && (n.mode === 'scale' || n.mode === 'standardize')
    && numbers(n.offset) && numbers(n.divisor) && n.offset.length > 0 && n.offset.length === n.divisor.length && n.divisor.every((d) => d > 0);
  if (!ok) throw new DataError(where, `its ${NORMALIZATION_KEY} metadata is not {mode, offset[], divisor[]} with positive divisors`);
  return { mode: n.mode as InputNormalization['mode'], offset: n.offset as number[], divisor: n.divisor as number[] };
}

/** One line on a model trained with statistics that the given weights do not carry. */
export function missingStatistics(weights: string, mode: NormalizeMode): DataError {
  return new DataError(weights, `holds no input normalization statistics, but the model's data is normalized with '${mode}' `
    + '(they come from training: use weights.safetensors or a checkpoint written by nnc train)');
}

/**
 * The mode whose statistics a compiled model's weights must hold, from its manifest's data
 * spec, or null; IDX data is pixels or not by its files, so only 'standardize' is sure there.
 */
export function statisticsNeeded(data: { readonly kind: string; readonly normalize?: NormalizeMode }): NormalizeMode | null {
  const pixels = data.kind === 'mnist' || data.kind === 'fashionMnist' || data.kind === 'imageFolder';
  const mode = effectiveMode(data.normalize, pixels);
  if (data.kind === 'idx') return mode === 'standardize' ? mode : null;
  return needsStatistics(mode, pixels) ? mode : null;
}

/**
 * The normalisation a trained model's weights record, checked against the model: one it
 * `needs` must be there, and it must have one statistic per channel of `inputShape`.
 */
export function trainedNormalization(
  metadata: Readonly<Record<string, string>>, weights: string, inputShape: readonly number[], needs: NormalizeMode | null,
): InputNormalization | null {
  const n = readNormalization(metadata, weights);
  if (n === null && needs !== null) throw missingStatistics(weights, needs);
  const channels = inputShape[inputShape.length - 1];
  if (n !== null && n.offset.length !== channels) {
    throw new DataError(weights, `its input normalization has ${n.offset.length} channels but the model's input [${inputShape.join(', ')}] has ${channels}`);
  }
  return n;
}
