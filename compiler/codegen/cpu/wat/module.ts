// Assembles generated WAT functions into one module over an imported shared memory.
// Convention for every generated kernel: `(func $name (param $tid i32) (param $nth i32))`,
// all addresses inlined as i32 constants, computing thread $tid's share of $nth.

import wabtInit from 'wabt';

export interface WatFunction {
  /** Identifier without `$`, also the export name. */
  readonly name: string;
  /** The complete `(func $name ...)` text. */
  readonly text: string;
}

export interface WatModuleSource {
  readonly functions: readonly WatFunction[];
  /** Memory size in 64 KiB pages (initial = maximum: the plan is static). */
  readonly pages: number;
}

export function moduleText(src: WatModuleSource): string {
  const exports = src.functions.map((f) => `  (export "${f.name}" (func $${f.name}))`);
  return [
    '(module',
    `  (import "env" "memory" (memory ${src.pages} ${src.pages} shared))`,
    ...src.functions.map((f) => f.text),
    ...exports,
    ')',
  ].join('\n');
}

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabtPromise: Promise<Wabt> | undefined;
let wabtLoaded: Wabt | undefined;

/** Loads the assembler (wabt's wasm build) once; afterwards `assembleWatSync` works. */
export async function loadAssembler(): Promise<void> {
  wabtPromise ??= wabtInit();
  wabtLoaded = await wabtPromise;
}

/** WAT text -> wasm bytes, with SIMD and threads enabled; throws with wabt's message on a bad text. */
export async function assembleWat(text: string, fileName = 'kernels.wat'): Promise<Uint8Array> {
  await loadAssembler();
  return assembleWatSync(text, fileName);
}

/** As assembleWat, once `loadAssembler()` has resolved (compiling for a new batch size mid-run needs no await). */
export function assembleWatSync(text: string, fileName = 'kernels.wat'): Uint8Array {
  const wabt = wabtLoaded;
  if (!wabt) throw new Error('assembleWatSync: call loadAssembler() first');
  // relaxed_simd only admits the instructions: a text without them assembles as before.
  const features = { simd: true, relaxed_simd: true, threads: true, mutable_globals: true, sat_float_to_int: true, bulk_memory: true };
  const parsed = wabt.parseWat(fileName, text, features);
  try {
    parsed.resolveNames();
    // validate() takes its own feature set (default: no threads, so `shared` memory fails);
    // wabt's typings omit that parameter.
    const validate: (this: typeof parsed, f: typeof features) => void = parsed.validate;
    validate.call(parsed, features);
    return parsed.toBinary({}).buffer;
  } finally {
    parsed.destroy();
  }
}

export function sharedMemory(pages: number): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}
