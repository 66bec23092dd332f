import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { callMath, mathHelpersFor, withMathHelpers, type MathFunction, type MathWidth } from '../../../../../compiler/codegen/cpu/wat/math';
import { loadKernels, type KernelModule } from './loopHarness';

const COUNT = 1024;
const OUT = COUNT * 4;

/** A test kernel applying one helper to COUNT floats at 0, writing them at OUT. */
function mapKernel(fn: MathFunction, width: MathWidth) {
  const [step, load, store] = width === 'f32' ? [4, 'f32.load', 'f32.store'] : [16, 'v128.load', 'v128.store'];
  const name = `map_${fn}_${width}`;
  return {
    name,
    text: `(func $${name} (param $tid i32) (param $nth i32) (local $i i32)
      (loop $next
        (${store} offset=${OUT} (local.get $i) ${callMath(fn, width, `(${load} (local.get $i))`)})
        (local.set $i (i32.add (local.get $i) (i32.const ${step})))
        (br_if $next (i32.lt_u (local.get $i) (i32.const ${OUT})))))`,
  };
}

const FUNCTIONS: readonly MathFunction[] = ['exp', 'log', 'tanh', 'sign'];
const WIDTHS: readonly MathWidth[] = ['f32', 'f32x4'];

function reference(fn: MathFunction, x: number): number {
  return fn === 'exp' ? Math.exp(x) : fn === 'log' ? Math.log(x) : fn === 'tanh' ? Math.tanh(x) : Math.sign(x);
}

function apply(m: KernelModule, fn: MathFunction, width: MathWidth, xs: readonly number[]): Float32Array {
  const input = m.f32(0, COUNT);
  input.fill(1);
  input.set(xs);
  m.run(`map_${fn}_${width}`);
  return m.f32(OUT, COUNT).slice(0, xs.length);
}

/** Worst relative error of the helper against Math.* over `xs` (inputs rounded to f32 first). */
function worstRelativeError(m: KernelModule, fn: MathFunction, width: MathWidth, xs: readonly number[]): number {
  const got = apply(m, fn, width, xs);
  let worst = 0;
  xs.forEach((x, i) => {
    const want = reference(fn, Math.fround(x));
    worst = Math.max(worst, Math.abs(got[i] - want) / Math.abs(want));
  });
  return worst;
}

describe('codegen/cpu/wat/math', () => {
  let m: KernelModule;
  before(async () => {
    m = await loadKernels(FUNCTIONS.flatMap((fn) => WIDTHS.map((w) => mapKernel(fn, w))), 2 * OUT);
  });

  const ranges: { fn: MathFunction; label: string; arb: fc.Arbitrary<number> }[] = [
    { fn: 'exp', label: '[-87, 88]', arb: fc.double({ min: -87, max: 88, noNaN: true }) },
    { fn: 'exp', label: '[-1, 1]', arb: fc.double({ min: -1, max: 1, noNaN: true }) },
    { fn: 'log', label: 'normal positives', arb: fc.double({ min: 1e-38, max: 3e38, noNaN: true }).filter((x) => x > 0) },
    { fn: 'log', label: '[0.5, 2]', arb: fc.double({ min: 0.5, max: 2, noNaN: true }) },
    { fn: 'log', label: 'denormals', arb: fc.double({ min: 1.5e-45, max: 1.1e-38, noNaN: true }) },
    { fn: 'tanh', label: '[-20, 20]', arb: fc.double({ min: -20, max: 20, noNaN: true }).filter((x) => Math.abs(x) > 1e-30) },
    { fn: 'tanh', label: '[-1, 1]', arb: fc.double({ min: -1, max: 1, noNaN: true }).filter((x) => Math.abs(x) > 1e-30) },
  ];
  for (const { fn, label, arb } of ranges) {
    for (const width of WIDTHS) {
      it(`${fn} (${width}) on ${label} is within 2e-7 relative of Math.${fn}`, () => {
        fc.assert(fc.property(fc.array(arb, { minLength: 1, maxLength: COUNT }), (xs) => {
          const denormalLog = fn === 'log' && xs.some((x) => Math.fround(x) < 2 ** -126);
          // A denormal input carries fewer than 24 bits: compare with its exact f32 value only.
          assert.ok(worstRelativeError(m, fn, width, xs) < (denormalLog ? 3e-7 : 2e-7));
        }), { numRuns: 30 });
      });
    }
  }

  it('exp: dense sweep of [-20, 20] stays within 2e-7 for both widths', () => {
    const xs = Array.from({ length: COUNT }, (_, i) => -20 + (40 * i) / (COUNT - 1));
    for (const w of WIDTHS) assert.ok(worstRelativeError(m, 'exp', w, xs) < 2e-7, w);
  });

  it('special values follow Math.*: zeros, infinities, NaN, negatives, overflow, underflow', () => {
    const specials = [0, -0, Infinity, -Infinity, NaN, -1, 1e-45, 100, -120, 89, -3, 3];
    for (const fn of FUNCTIONS) {
      for (const w of WIDTHS) {
        const got = apply(m, fn, w, specials);
        specials.forEach((x, i) => {
          const want = Math.fround(reference(fn, Math.fround(x)));
          if (fn === 'exp' && x === 1e-45) return; // 1e-45 rounds to the smallest denormal; exp is 1 either way
          assert.ok(Object.is(got[i], want) || Math.abs(got[i] - want) <= 2e-7 * Math.abs(want), `${fn}/${w}(${x}) = ${got[i]}, want ${want}`);
        });
      }
    }
  });

  it('helper collection follows calls transitively and adds each helper once', () => {
    const kernel = { name: 'k', text: `(func $k ${callMath('tanh', 'f32x4', '(local.get $x)')} ${callMath('tanh', 'f32x4', '(local.get $y)')})` };
    const names = mathHelpersFor([kernel]).map((f) => f.name).sort();
    assert.deepEqual(names, ['nnc_exp_f32x4', 'nnc_tanh_f32x4']);
    assert.equal(withMathHelpers([kernel]).length, 3);
    assert.deepEqual(mathHelpersFor([{ name: 'plain', text: '(func $plain)' }]), []);
  });
});
