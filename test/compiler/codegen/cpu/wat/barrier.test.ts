import { strict as assert } from 'node:assert';
import { emitBarrier, emitStep, phaseCalls } from '../../../../../compiler/codegen/cpu/wat/barrier';
import type { WatFunction } from '../../../../../compiler/codegen/cpu/wat/module';
import { instantiate } from './wat-harness';

// Each kernel appends its number to a log at byte 1024 (length at 1020).
function logger(name: string, value: number): WatFunction {
  return {
    name,
    text: `  (func $${name} (param $tid i32) (param $nth i32) (local $n i32)
    (local.set $n (i32.load (i32.const 1020)))
    (i32.store (i32.add (i32.const 1024) (i32.shl (local.get $n) (i32.const 2))) (i32.const ${value}))
    (i32.store (i32.const 1020) (i32.add (local.get $n) (i32.const 1))))`,
  };
}

describe('emitStep and emitBarrier', () => {
  it('calls the kernels in order, with barriers that pass at once for one thread', async () => {
    const kernels = [logger('k1', 11), logger('k2', 22), logger('k3', 33)];
    const step = emitStep('step', [{ kernel: 'k1' }, { kernel: 'k2', barrierAfter: false }, { kernel: 'k3' }], 'sync');
    assert.equal(step.text.match(/call \$sync/g)?.length, 1);
    const inst = await instantiate([...kernels, emitBarrier('sync', 0), step], 4096);
    const i32 = new Int32Array(inst.memory.buffer);
    i32.fill(0, 0, 1024);
    inst.call('step', 0, 1);
    inst.call('step', 0, 1);
    assert.deepEqual([...i32.subarray(256, 262)], [11, 22, 33, 11, 22, 33]);
    assert.equal(i32[1], 2, 'the generation advances once per barrier');
    assert.equal(i32[0], 0, 'arrivals reset');
  });

  it('turns kernel phases into barrier-separated calls', () => {
    assert.deepEqual(phaseCalls([logger('a', 1), logger('b', 2)]), [{ kernel: 'a' }, { kernel: 'b' }]);
  });

  it('traps instead of waiting when the abort flag is set', async () => {
    const inst = await instantiate([emitBarrier('sync', 0)], 4096);
    const i32 = new Int32Array(inst.memory.buffer);
    i32.fill(0, 0, 4);
    i32[2] = 1;
    assert.throws(() => inst.call('sync', 0, 2), /unreachable/);
  });

  it('rejects names that are not identifiers and misaligned addresses', () => {
    assert.throws(() => emitBarrier('a-b', 0), /'a-b' is not an identifier/);
    assert.throws(() => emitBarrier('b', 6), /address 6 is not a multiple of 4/);
    assert.throws(() => emitStep('s', [{ kernel: 'x y' }], 'b'), /'x y' is not an identifier/);
  });
});
