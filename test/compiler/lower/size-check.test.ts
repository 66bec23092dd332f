// Sizes no WebAssembly memory can hold are refused while lowering (at the layer) and before
// code generation (the program at its batch size): never a crash in codegen or allocation.

import { strict as assert } from 'node:assert';
import { model, conv2d, dense, flatten, adam, mnist, type LayerSpec, type ModelSpec } from '../../../compiler/dsl/index';
import { lowerModel, LowerError } from '../../../compiler/lower/lower';
import { buildModel, compileSpec } from '../../../compiler/pipeline';
import { buildCpuProgram } from '../../../compiler/codegen/cpu/program';
import { fused } from '../../../compiler/pipeline';
import { SizeLimitError } from '../../../format/limits';

function spec(input: readonly number[], layers: readonly LayerSpec[]): ModelSpec {
  return model({ name: 'big', input, layers: [...layers, dense({ units: 10, activation: 'softmax' })], loss: 'categoricalCrossentropy', optimizer: adam(), data: mnist() });
}

function lowerError(s: ModelSpec): LowerError {
  try {
    lowerModel(s, 'train');
  } catch (e) {
    assert.ok(e instanceof LowerError, String(e));
    return e;
  }
  return assert.fail('lowered without an error');
}

describe('size limits: lowering', () => {
  it('accepts a parameter of exactly 2^30 float32 values and refuses one more, at the layer', () => {
    // 16 inputs x 67108864 units = 2^30 values: 4 GiB, the whole of a wasm32 memory.
    lowerModel(spec([16], [dense({ units: 67_108_864 })]), 'infer');
    const e = lowerError(spec([16], [dense({ units: 67_108_865 })]));
    assert.deepEqual(e.path, ['layers', 0]);
    assert.equal(e.message, 'layer 1 (dense, dense_1): parameter dense_1.kernel [16, 67108865] would hold 1,073,741,840 values (4 GiB); '
      + 'a tensor holds at most 1,073,741,824 float32 values (4 GiB, the memory of a WebAssembly program)');
  });

  it('refuses a layer output larger than 2^30 values per example, and an input that large', () => {
    // A 1x1 conv on a 100 x 100 x 1 input: 100 * 100 * filters values per example.
    const e = lowerError(spec([100, 100, 1], [conv2d({ filters: 200_000, kernelSize: 1 }), flatten()]));
    assert.deepEqual(e.path, ['layers', 0]);
    assert.match(e.message, /^layer 1 \(conv2d, conv2d_1\): its output \[100, 100, 200000\] would hold 2,000,000,000 values per example \(7\.45 GiB\)/);
    const input = lowerError(spec([50_000, 50_000, 1], [flatten()]));
    assert.deepEqual(input.path, ['input']);
    assert.match(input.message, /^input \[50000, 50000, 1\] holds 2,500,000,000 values per example/);
  });
});

describe('size limits: programs', () => {
  it('refuses a program over 4 GiB before generating code, naming the program, its batch and what takes the room', async () => {
    const m = compileSpec(spec([16], [dense({ units: 12 })]));
    await assert.rejects(buildModel(m, { trainBatches: [100_000_000], gpu: false }), (e: unknown) => {
      assert.ok(e instanceof SizeLimitError, String(e));
      assert.deepEqual(e.program, { mode: 'train', batch: 100_000_000 });
      assert.ok(e.bytes > 2 ** 32);
      assert.match(e.message, /^the training program at batch size 100000000 needs [\d.]+ GiB of memory, over the 4 GiB a WebAssembly program can address \(parameters with their gradients and optimizer slots: [\d.]+ KiB, the largest dense_1\.kernel \[16, 12\]; the largest layer output: (dense_1|flatten)/);
      return true;
    });
    // The plan alone refuses it (as --emit plan meets it); at batch 1000000 the same model fits.
    assert.throws(() => buildCpuProgram(fused(m).train, 100_000_000, 1), (e: unknown) => e instanceof SizeLimitError && e.program === undefined);
    assert.ok(buildCpuProgram(fused(m).train, 1_000_000, 1).pages <= 65536);
  });
});
