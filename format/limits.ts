// The sizes a compiled model must fit, shared by the compiler (which refuses a model that
// cannot fit before generating code) and the runtime (which checks a compiled model against
// the machine before allocating): WebAssembly's 32-bit memory, gpu.js's textures.

import type { OptimizerSpec } from './spec';
import { optimizerSlotNames } from './optimizer-slots';

/** A WebAssembly memory page. */
export const WASM_PAGE_BYTES = 65536;
/** wasm32 addresses 2^32 bytes: 65536 pages of 64 KiB. */
export const WASM_MAX_PAGES = 65536;
export const WASM_MAX_BYTES = WASM_PAGE_BYTES * WASM_MAX_PAGES;
/** The most float32 values one tensor can hold and still fit in a CPU program's memory. */
export const MAX_TENSOR_VALUES = WASM_MAX_BYTES / 4;
/** WebGL's usual MAX_TEXTURE_SIZE: a gpu.js kernel's output holds at most its square. */
export const GPU_TEXTURE_SIDE = 16384;
export const GPU_MAX_OUTPUT_VALUES = GPU_TEXTURE_SIDE * GPU_TEXTURE_SIDE;

/** A model or a run that cannot fit the memory it would need: one line naming what is too large. */
export class SizeLimitError extends Error {
  override name = 'SizeLimitError';

  constructor(
    message: string,
    readonly bytes: number,
    readonly limit: number,
    /** The program that would not fit, when one is at fault (its batch size may come from a flag). */
    readonly program?: { readonly mode: 'train' | 'infer'; readonly batch: number },
  ) {
    super(message);
  }
}

/** Values the optimizer keeps per parameter value (Adam: m and v; SGD: momentum, if any). */
export function optimizerSlots(opt: OptimizerSpec): number {
  return optimizerSlotNames(opt).length;
}

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** `512 bytes`, `1.76 MiB`, `4 GiB`: three significant digits, binary units. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  let value = bytes;
  let unit = 0;
  // 1023.9 KiB would print as 1024 KiB: move up a unit by the rounded value.
  while (unit < UNITS.length - 1 && (value >= 1024 || (unit > 0 && value >= 1023.5))) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} bytes`;
  const text = value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  return `${text.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1')} ${UNITS[unit]}`;
}

/** A count with thousands separators, as in Keras' summary. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
