// The fused multiply-add form of a module: every `acc + a * b` on f32x4 locals, the shape the
// GEMM and convolution micro-kernels emit, contracted to `f32x4.relaxed_madd a b acc`
// (WebAssembly relaxed SIMD). relaxed_madd may round once (a fused multiply-add, where the
// CPU has one) or twice (multiply then add, as the exact form does): the engine decides, and
// a given engine always decides the same way, so results stay deterministic per engine.
// Only local operands are matched: those are the micro-kernels' register tiles, and a
// multiply-add whose operands are loads or other expressions is left exact.

const MULTIPLY_ADD = /\(f32x4\.add \(local\.get (\$[\w.]+)\) \(f32x4\.mul \(local\.get (\$[\w.]+)\) \(local\.get (\$[\w.]+)\)\)\)/g;

export interface ContractedWat {
  readonly text: string;
  /** Multiply-adds contracted; 0 leaves the text unchanged. */
  readonly count: number;
}

export function contractMultiplyAdds(wat: string): ContractedWat {
  let count = 0;
  const text = wat.replace(MULTIPLY_ADD, (_m, acc: string, a: string, b: string) => {
    count++;
    return `(f32x4.relaxed_madd (local.get ${a}) (local.get ${b}) (local.get ${acc}))`;
  });
  return { text, count };
}
