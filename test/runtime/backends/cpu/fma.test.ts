// The fused-multiply-add form of the CPU programs (relaxed SIMD's f32x4.relaxed_madd): what
// the contraction rewrites, how the runtime chooses a form, and, in a Node process with
// relaxed SIMD on, the fused programs against the float64 reference.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { contractMultiplyAdds } from '../../../../compiler/codegen/cpu/wat/fma';
import { createCpuEngine } from '../../../../runtime/backends/cpu/engine';
import { relaxedSimdValidates, runsFused } from '../../../../runtime/backends/cpu/multiply-add';
import { buildCpuModel, fixedModel } from './build';

describe('runtime/backends/cpu fused multiply-add form', function () {
  this.timeout(300_000);

  it('contracts acc + a*b on locals, operands in relaxed_madd order, and nothing else', () => {
    const wat = [
      '(local.set $c0_1 (f32x4.add (local.get $c0_1) (f32x4.mul (local.get $a) (local.get $b1))))',
      '(local.set $s (f32x4.add (local.get $s) (f32x4.mul (v128.load (local.get $p)) (local.get $b1))))',
      '(local.set $t (f32x4.add (local.get $t) (f32x4.sub (local.get $a) (local.get $b1))))',
    ].join('\n');
    const out = contractMultiplyAdds(wat);
    assert.equal(out.count, 1);
    assert.equal(out.text.split('\n')[0], '(local.set $c0_1 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c0_1)))');
    assert.deepEqual(out.text.split('\n').slice(1), wat.split('\n').slice(1));
  });

  it('builds a fused form of every program with a multiply-add (the fixed model: all of them)', async () => {
    const files = await buildCpuModel(fixedModel());
    for (const p of files.manifest.cpu) {
      assert.equal(p.fmaFile, p.file.replace(/\.wasm$/, '.fma.wasm'));
      const bytes = files.files.get(p.fmaFile as string);
      assert.ok(bytes && bytes.length > 0, `${p.fmaFile} is missing`);
      // relaxed_madd is 0xfd 0x85 0x02; the exact form never has it.
      const has = (b: Uint8Array): boolean => b.some((v, i) => v === 0xfd && b[i + 1] === 0x85 && b[i + 2] === 0x02);
      assert.ok(has(bytes), `${p.fmaFile} has no relaxed_madd`);
      assert.ok(!has(files.files.get(p.file) as Uint8Array), `${p.file} has relaxed_madd`);
    }
  });

  it("runs the exact form with fma 'off' and, where relaxed SIMD does not validate, with 'auto'; 'on' is then an error", async () => {
    const files = await buildCpuModel(fixedModel());
    const off = await createCpuEngine(files, { seed: 1, threads: 1, fma: 'off' });
    assert.doesNotMatch(off.description, /FMA/);
    off.dispose();
    assert.equal(runsFused(files, 'off'), false);
    assert.equal(runsFused(files, 'auto'), relaxedSimdValidates());
    if (!relaxedSimdValidates()) assert.throws(() => runsFused(files, 'on'), /no WebAssembly relaxed SIMD/);
  });

  it('trains, evaluates and predicts like the reference on 1 and 2 threads in the fused form (own process, relaxed SIMD on)', () => {
    const child = path.join(__dirname, 'fma-child.ts');
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-r', 'tsx/cjs', child], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..', '..', '..') });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { models: number; fusedPrograms: number; differing: number };
    assert.ok(seen.models >= 8, `only ${seen.models} models compiled`);
    assert.ok(seen.fusedPrograms >= seen.models, `${seen.fusedPrograms} fused programs for ${seen.models} models`);
  });
});
