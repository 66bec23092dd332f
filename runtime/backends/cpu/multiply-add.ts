// Which form of the CPU programs runs: the exact one (f32x4 multiply, then add: two roundings)
// or the fused one (f32x4.relaxed_madd, relaxed SIMD: one rounding where the CPU has FMA).
// Support is detected by validating a tiny module, never from version strings.

import type { CompiledModelFiles, CpuProgram } from '../../../format/manifest';
import { EngineError } from '../../engine';

/** 'auto': fused where the engine validates relaxed SIMD as it stands; 'on': fused or an error; 'off': exact. */
export type FmaChoice = 'auto' | 'on' | 'off';

export const FMA_CHOICES: readonly FmaChoice[] = ['auto', 'on', 'off'];

/** (func (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))) */
const RELAXED_MADD_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

export function relaxedSimdValidates(): boolean {
  return WebAssembly.validate(RELAXED_MADD_MODULE);
}

/** Whether the programs run in their fused form; an EngineError when 'on' cannot be honoured. */
export function runsFused(model: CompiledModelFiles, choice: FmaChoice): boolean {
  if (choice === 'off') return false;
  const supported = relaxedSimdValidates();
  if (choice === 'on' && !supported) {
    throw new EngineError("this JavaScript engine has no WebAssembly relaxed SIMD (f32x4.relaxed_madd); run with fma 'off' or 'auto'");
  }
  if (choice === 'on' && !model.manifest.cpu.every((p) => p.fmaFile === null || model.files.has(p.fmaFile))) {
    throw new EngineError(`${model.manifest.name}.nnc lacks its fused programs (*.fma.wasm); rebuild it with nnc build`);
  }
  return supported;
}

/** The file of `program` in the chosen form (the exact one where it has no fused form or the file is absent). */
export function programFile(model: CompiledModelFiles, program: CpuProgram, fused: boolean): string {
  return fused && program.fmaFile !== null && model.files.has(program.fmaFile) ? program.fmaFile : program.file;
}
