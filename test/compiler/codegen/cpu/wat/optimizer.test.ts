import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { emitAdamUpdate, emitSgdUpdate } from '../../../../../compiler/codegen/cpu/wat/optimizer';
import { firstMismatch, loadKernels, type KernelModule } from './loopHarness';

function runSplit(m: KernelModule, name: string, nth: number): void {
  for (let tid = 0; tid < nth; tid++) m.run(name, tid, nth);
}

function region(count: number) {
  const bytes = count * 4;
  return { params: 0, grads: bytes, m: 2 * bytes, v: 3 * bytes, lrSlot: 4 * bytes, stepSlot: 4 * bytes + 4, end: 4 * bytes + 8 };
}

const values = (n: number) => fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n, maxLength: n });

describe('codegen/cpu/wat/optimizer', () => {
  it('Adam follows Keras over several steps, reading lr and t from memory (1..4 thread splits)', async () => {
    const caseArb = fc.integer({ min: 1, max: 23 }).chain((count) => fc.record({
      count: fc.constant(count), p: values(count), grads: fc.array(values(count), { minLength: 3, maxLength: 3 }),
      lr: fc.constantFrom(0.001, 0.01, 0.1), nth: fc.integer({ min: 1, max: 4 }), t0: fc.integer({ min: 1, max: 50 }),
    }));
    await fc.assert(fc.asyncProperty(caseArb, async ({ count, p, grads, lr, nth, t0 }) => {
      const at = region(count);
      const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-7];
      const m = await loadKernels([emitAdamUpdate({ name: 'adam', count, ...at, beta1, beta2, epsilon })], at.end);
      m.f32(at.params, count).set(p);
      m.f32(at.m, 2 * count).fill(0);
      const ref = { p: m.f32(at.params, count).slice().map(Number), m: new Array<number>(count).fill(0), v: new Array<number>(count).fill(0) };
      grads.forEach((g, step) => {
        const t = t0 + step;
        const rate = lr * (step + 1);
        m.f32(at.grads, count).set(g);
        m.f32(at.lrSlot, 1)[0] = rate;
        m.i32(at.stepSlot, 1)[0] = t;
        runSplit(m, 'adam', nth);
        const lrT = Math.fround(rate) * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t);
        for (let i = 0; i < count; i++) {
          const gi = Math.fround(g[i]);
          ref.m[i] = beta1 * ref.m[i] + (1 - beta1) * gi;
          ref.v[i] = beta2 * ref.v[i] + (1 - beta2) * gi * gi;
          ref.p[i] -= (lrT * ref.m[i]) / (Math.sqrt(ref.v[i]) + epsilon);
        }
      });
      assert.equal(firstMismatch(m.f32(at.m, count), ref.m, 1e-6, 1e-5), null, 'm');
      assert.equal(firstMismatch(m.f32(at.v, count), ref.v, 1e-6, 1e-5), null, 'v');
      assert.equal(firstMismatch(m.f32(at.params, count), ref.p, 1e-5, 1e-5), null, 'params');
    }), { numRuns: 40 });
  });

  it('Adam\'s first step moves every parameter by about lr against its gradient sign', async () => {
    const count = 9;
    const at = region(count);
    const m = await loadKernels([emitAdamUpdate({ name: 'adam', count, ...at, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 })], at.end);
    const g = [1, -2, 0.5, -0.25, 3, -3, 0.1, -0.1, 2];
    m.f32(at.grads, count).set(g);
    m.f32(at.lrSlot, 1)[0] = 0.001;
    m.i32(at.stepSlot, 1)[0] = 1;
    m.run('adam');
    m.f32(at.params, count).forEach((v, i) => assert.ok(Math.abs(v + 0.001 * Math.sign(g[i])) < 1e-7, `param ${i}: ${v}`));
  });

  for (const [momentum, nesterov] of [[0, false], [0.9, false], [0.9, true]] as const) {
    it(`SGD (momentum ${momentum}${nesterov ? ', Nesterov' : ''}) follows Keras over several steps`, async () => {
      await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 19 }), fc.integer({ min: 1, max: 3 }), fc.integer(), async (count, nth, seed) => {
        const at = region(count);
        const m = await loadKernels([emitSgdUpdate({ name: 'sgd', count, params: at.params, grads: at.grads, velocity: at.m, momentum, nesterov, lrSlot: at.lrSlot })], at.end);
        const rnd = fc.sample(values(count), { seed, numRuns: 4 });
        m.f32(at.params, count).set(rnd[0]);
        m.f32(at.m, count).fill(0);
        const p = m.f32(at.params, count).slice().map(Number);
        const vel = new Array<number>(count).fill(0);
        for (let step = 1; step <= 3; step++) {
          m.f32(at.grads, count).set(rnd[step]);
          m.f32(at.lrSlot, 1)[0] = 0.05 * step;
          runSplit(m, 'sgd', nth);
          const lr = Math.fround(0.05 * step);
          for (let i = 0; i < count; i++) {
            const g = Math.fround(rnd[step][i]);
            if (momentum === 0) { p[i] -= lr * g; continue; }
            vel[i] = momentum * vel[i] - lr * g;
            p[i] += nesterov ? momentum * vel[i] - lr * g : vel[i];
          }
        }
        assert.equal(firstMismatch(m.f32(at.params, count), p, 1e-5, 1e-5), null);
        if (momentum !== 0) assert.equal(firstMismatch(m.f32(at.m, count), vel, 1e-5, 1e-5), null, 'velocity');
      }), { numRuns: 15 });
    });
  }

  it('rejects bad parameters in one line', () => {
    assert.throws(() => emitSgdUpdate({ name: 'sgd', count: 4, params: 0, grads: 16, momentum: 0.9, nesterov: false, lrSlot: 32 }), /update 'sgd': momentum 0.9 needs a velocity slot/);
    assert.throws(() => emitAdamUpdate({ name: 'adam', count: 0, ...region(1), beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }), /update 'adam': count must be a positive integer, got 0/);
    assert.throws(() => emitSgdUpdate({ name: 'n', count: 4, params: 3, grads: 16, momentum: 0, nesterov: false, lrSlot: 32 }), /params offset 3 is not a non-negative multiple of 4/);
  });
});
