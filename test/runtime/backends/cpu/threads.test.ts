import { strict as assert } from 'node:assert';
import { assembleWat, moduleText, type WatFunction } from '../../../../compiler/codegen/cpu/wat/module';
import { barrierAbortAddress, emitBarrier, emitStep } from '../../../../compiler/codegen/cpu/wat/barrier';
import { emitGemm } from '../../../../compiler/codegen/cpu/wat/gemm';
import { conv2dBackpropInputScratchBytes, emitConv2dBackpropInput } from '../../../../compiler/codegen/cpu/wat/conv-backprop-input';
import { phaseCalls } from '../../../../compiler/codegen/cpu/wat/barrier';
import { sharedMemory, ThreadPool } from '../../../../runtime/backends/cpu/threads';

const BARRIER_AT = 0;
const SLOTS_AT = 64;
const SUMS_AT = 256;
const PAGES = 4;

async function compile(functions: WatFunction[]): Promise<{ module: WebAssembly.Module; memory: WebAssembly.Memory }> {
  const bytes = await assembleWat(moduleText({ functions, pages: PAGES }));
  return { module: await WebAssembly.compile(bytes), memory: sharedMemory(PAGES) };
}

// slots[tid] = (run counter) * 100 + tid + 1, then every thread sums all slots into sums[tid].
const writeSlot: WatFunction = {
  name: 'write_slot',
  text: `  (func $write_slot (param $tid i32) (param $nth i32)
    (i32.store (i32.add (i32.const ${SLOTS_AT}) (i32.shl (local.get $tid) (i32.const 2)))
      (i32.add (i32.mul (i32.load (i32.const 32)) (i32.const 100)) (i32.add (local.get $tid) (i32.const 1)))))`,
};
const sumSlots: WatFunction = {
  name: 'sum_slots',
  text: `  (func $sum_slots (param $tid i32) (param $nth i32) (local $i i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $nth)))
      (local.set $s (i32.add (local.get $s) (i32.load (i32.add (i32.const ${SLOTS_AT}) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.store (i32.add (i32.const ${SUMS_AT}) (i32.shl (local.get $tid) (i32.const 2))) (local.get $s)))`,
};
const trapOnOne: WatFunction = {
  name: 'trap_on_one',
  text: '  (func $trap_on_one (param $tid i32) (param $nth i32) (if (i32.eq (local.get $tid) (i32.const 1)) (then unreachable)))',
};

describe('ThreadPool', () => {
  it('runs an export on every thread with its own tid, the caller as tid 0', async () => {
    const { module, memory } = await compile([writeSlot]);
    const pool = await ThreadPool.create(module, memory, 3);
    try {
      pool.run('write_slot');
      assert.deepEqual([...new Int32Array(memory.buffer, SLOTS_AT, 4)], [1, 2, 3, 0]);
    } finally {
      pool.dispose();
    }
  });

  it('orders kernels across threads with the step barrier, run after run', async () => {
    const barrier = emitBarrier('barrier', BARRIER_AT);
    const step = emitStep('step', [{ kernel: 'write_slot' }, { kernel: 'sum_slots' }], 'barrier');
    const { module, memory } = await compile([writeSlot, sumSlots, barrier, step]);
    const pool = await ThreadPool.create(module, memory, 3, { abortAddress: barrierAbortAddress(BARRIER_AT) });
    const heap = new Int32Array(memory.buffer);
    try {
      for (let run = 0; run < 300; run++) {
        heap[32 / 4] = run;
        pool.run('step');
        const expected = 3 * 100 * run + 6;
        assert.deepEqual([...heap.subarray(SUMS_AT / 4, SUMS_AT / 4 + 3)], [expected, expected, expected], `run ${run}`);
      }
    } finally {
      pool.dispose();
    }
  });

  it('starts synchronously (createSync) with every worker ready to run, run after run', async () => {
    const barrier = emitBarrier('barrier', BARRIER_AT);
    const step = emitStep('step', [{ kernel: 'write_slot' }, { kernel: 'sum_slots' }], 'barrier');
    const { module, memory } = await compile([writeSlot, sumSlots, barrier, step]);
    const heap = new Int32Array(memory.buffer);
    for (const threads of [1, 4]) {
      const pool = ThreadPool.createSync(module, memory, threads, { abortAddress: barrierAbortAddress(BARRIER_AT) });
      try {
        for (let run = 0; run < 20; run++) {
          heap[32 / 4] = run;
          pool.run('step');
          const expected = threads * 100 * run + (threads * (threads + 1)) / 2;
          assert.deepEqual([...heap.subarray(SUMS_AT / 4, SUMS_AT / 4 + threads)], new Array<number>(threads).fill(expected), `${threads} threads, run ${run}`);
        }
      } finally {
        pool.dispose();
      }
    }
    assert.throws(() => ThreadPool.createSync(module, memory, 1.5), /thread count must be a positive integer, got 1.5/);
  });

  it('reproduces the single-thread GEMM result exactly on 2 threads', async () => {
    const m = 37, n = 21, k = 19;
    const gemm = emitGemm({ name: 'gemm', m, n, k, aOffset: 1024, lda: k, transposeA: false, bOffset: 8192, ldb: n, transposeB: false, cOffset: 16384, ldc: n, accumulate: false });
    const { module, memory } = await compile([gemm]);
    const f32 = new Float32Array(memory.buffer);
    for (let i = 256; i < 4096; i++) f32[i] = Math.sin(i);
    const single = await ThreadPool.create(module, memory, 1);
    single.run('gemm');
    const once = f32.slice(4096, 4096 + m * n);
    single.dispose();
    f32.fill(0, 4096, 4096 + m * n);
    const pool = await ThreadPool.create(module, memory, 2);
    try {
      pool.run('gemm');
      assert.deepEqual(f32.slice(4096, 4096 + m * n), once);
      assert.ok(once.some((v) => v !== 0));
    } finally {
      pool.dispose();
    }
  });

  it('runs a multi-phase convolution step on 2 threads with the single-thread result', async () => {
    const g = { batch: 3, height: 7, width: 6, channels: 5, filters: 6, kernelHeight: 3, kernelWidth: 2, strideHeight: 2, strideWidth: 1, padding: 'same' as const };
    const dy = 1024, w = 4096, dx = 8192, scratch = 16384;
    assert.ok(scratch + conv2dBackpropInputScratchBytes(g) < PAGES * 65536);
    const phases = emitConv2dBackpropInput({ ...g, name: 'dx', dyOffset: dy, kernelOffset: w, dxOffset: dx, scratchOffset: scratch, accumulate: true });
    assert.ok(phases.length >= 3, 'padded and accumulating: several phases');
    const { module, memory } = await compile([...phases, emitBarrier('barrier', BARRIER_AT), emitStep('step', phaseCalls(phases), 'barrier')]);
    const f32 = new Float32Array(memory.buffer);
    const init = (): void => { for (let i = dy / 4; i < scratch / 4; i++) f32[i] = Math.cos(i); };
    const results: Float32Array[] = [];
    for (const threads of [1, 2]) {
      init();
      const pool = await ThreadPool.create(module, memory, threads, { abortAddress: barrierAbortAddress(BARRIER_AT) });
      pool.run('step');
      pool.dispose();
      results.push(f32.slice(dx / 4, scratch / 4));
    }
    assert.deepEqual(results[1], results[0]);
    init();
    assert.notDeepEqual(results[0], f32.slice(dx / 4, scratch / 4), 'the step changed dx');
  });

  it('reports a trap on a worker as one line and releases threads waiting in a barrier', async () => {
    const barrier = emitBarrier('barrier', BARRIER_AT);
    const step = emitStep('step', [{ kernel: 'trap_on_one' }, { kernel: 'write_slot' }], 'barrier');
    const { module, memory } = await compile([trapOnOne, writeSlot, barrier, step]);
    const pool = await ThreadPool.create(module, memory, 2, { abortAddress: barrierAbortAddress(BARRIER_AT) });
    try {
      assert.throws(() => pool.run('step'), /^Error: thread pool: step failed on thread 1: unreachable[^\n]*$/);
      assert.throws(() => pool.run('step'), /unusable after an earlier failure/);
    } finally {
      pool.dispose();
    }
  });

  it('rejects unknown exports and bad thread counts', async () => {
    const { module, memory } = await compile([writeSlot]);
    await assert.rejects(ThreadPool.create(module, memory, 0), /thread count must be a positive integer, got 0/);
    const pool = await ThreadPool.create(module, memory, 2);
    try {
      assert.throws(() => pool.run('nope'), /no exported function 'nope'/);
    } finally {
      pool.dispose();
    }
    assert.throws(() => pool.run('write_slot'), /after dispose/);
  });
});
