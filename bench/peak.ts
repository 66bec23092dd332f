// The machine's practical peak, measured rather than assumed: one core running a register-only
// f32x4 micro-kernel with 12 independent accumulators against 2 B vectors (15 live v128
// values: x64 has 16 vector registers, and one more spills and halves the rate), in the
// exact form (multiply, then add) and, where relaxed SIMD validates, the fused form
// (f32x4.relaxed_madd). The best of a few runs, as GFLOP/s.

import { assembleWat } from '../compiler/codegen/cpu/wat/module';
import { contractMultiplyAdds } from '../compiler/codegen/cpu/wat/fma';
import { relaxedSimdValidates } from '../runtime/backends/cpu/multiply-add';

const ACCUMULATORS = 12;
const B_VECTORS = 2;
const ITERATIONS = 20_000_000;

function microKernelWat(): string {
  const accs = [...Array(ACCUMULATORS).keys()].map((i) => `$c${i}`);
  const step = accs.map((c, i) => `(local.set ${c} (f32x4.add (local.get ${c}) (f32x4.mul (local.get $a) (local.get $b${i % B_VECTORS}))))`);
  const sum = accs.slice(1).reduce((acc, c) => `(f32x4.add ${acc} (local.get ${c}))`, `(local.get ${accs[0]})`);
  return `(module
  (func (export "run") (param $n i32) (result f32)
    (local $a v128) (local $b0 v128) (local $b1 v128) ${accs.map((c) => `(local ${c} v128)`).join(' ')}
    (local.set $a (f32x4.splat (f32.const 0.999)))
    (local.set $b0 (f32x4.splat (f32.const 0.001))) (local.set $b1 (f32x4.splat (f32.const 0.002)))
    (loop $l
      ${step.join('\n      ')}
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
    (f32x4.extract_lane 0 ${sum})))`;
}

async function bestGflops(wat: string, runs: number): Promise<number> {
  const module = await WebAssembly.compile(await assembleWat(wat, 'peak.wat') as Uint8Array<ArrayBuffer>);
  const run = (await WebAssembly.instantiate(module)).exports.run as (n: number) => number;
  run(ITERATIONS / 20);
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    run(ITERATIONS);
    best = Math.min(best, performance.now() - t);
  }
  return (ITERATIONS * ACCUMULATORS * 4 * 2) / best / 1e6;
}

export interface Peak {
  /** GFLOP/s of one core, multiply then add. */
  readonly exact: number;
  /** GFLOP/s of one core with relaxed_madd, or null where relaxed SIMD does not validate. */
  readonly fused: number | null;
}

export async function measurePeak(runs = 5): Promise<Peak> {
  const wat = microKernelWat();
  const exact = await bestGflops(wat, runs);
  const fused = relaxedSimdValidates() ? await bestGflops(contractMultiplyAdds(wat).text, runs) : null;
  return { exact, fused };
}

if (require.main === module) {
  measurePeak().then((p) => console.log(`one core: exact ${p.exact.toFixed(1)} GFLOP/s, fused ${p.fused === null ? 'not available' : `${p.fused.toFixed(1)} GFLOP/s`}`))
    .catch((e: unknown) => { console.error(e); process.exitCode = 1; });
}
