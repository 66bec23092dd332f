import { strict as assert } from 'assert';
import type { CompiledModelFiles, Manifest } from '../../../format/manifest';
import { SizeLimitError } from '../../../format/limits';
import { checkEstimate, estimateRun } from '../../../runtime/train/resources';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A manifest with only what the estimate reads: 1000 params, Adam, 16 inputs, 10 classes, three CPU programs. */
function model(pages: { train: number; infer: number; one: number }): CompiledModelFiles {
  const manifest = {
    paramCount: 1000,
    optimizer: { kind: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    io: { inputShape: [4, 4, 1], inputSize: 16, labelSize: 10, classes: 10, sparse: false, outputShape: [10] },
    cpu: [
      { mode: 'train', batch: 32, file: 'cpu/train-32.wasm', pages: pages.train },
      { mode: 'infer', batch: 32, file: 'cpu/infer-32.wasm', pages: pages.infer },
      { mode: 'infer', batch: 1, file: 'cpu/infer-1.wasm', pages: pages.one },
    ],
    gpu: [{ mode: 'train', batch: 32, file: 'gpu/train-32.json' }],
  } as unknown as Manifest;
  const kernels = JSON.stringify([{ output: [1000] }, { output: [250] }]);
  return { manifest, files: new Map([['gpu/train-32.json', Buffer.from(kernels)]]) };
}

describe('estimateRun', () => {
  it('adds the programs the run uses, the parameters and slots, and the data, by hand', () => {
    const m = model({ train: 10, infer: 4, one: 2 });
    // Train at 32; infer at 32 and at 20 (no program at 20: it runs one example at a time, at 1).
    const e = estimateRun(m, { backend: 'cpu', trainBatches: [32], inferBatches: [32, 20], examples: 100 });
    assert.equal(e.paramBytes, 4000);
    assert.equal(e.slotBytes, 8000, 'Adam keeps m and v');
    assert.deepEqual(e.programs, [
      { mode: 'train', batch: 32, bytes: 10 * 64 * KiB },
      { mode: 'infer', batch: 32, bytes: 4 * 64 * KiB },
      { mode: 'infer', batch: 1, bytes: 2 * 64 * KiB },
    ]);
    // 100 examples plus two batch buffers of 32, each (16 inputs + 10 labels) float32.
    assert.equal(e.dataBytes, (100 + 64) * 26 * 4);
    assert.equal(e.totalBytes, 12000 + 16 * 64 * KiB + (100 + 64) * 26 * 4);
  });

  it('counts float64 for the reference backend and textures for gpu.js', () => {
    const m = model({ train: 10, infer: 4, one: 2 });
    const reference = estimateRun(m, { backend: 'reference', trainBatches: [32], inferBatches: [], examples: 0 });
    assert.equal(reference.programs[0].bytes, 2 * 10 * 64 * KiB);
    assert.equal(reference.totalBytes, 2 * 12000 + 2 * 10 * 64 * KiB + 64 * 26 * 4);
    const gpu = estimateRun(m, { backend: 'gpu', trainBatches: [32], inferBatches: [], examples: 0 });
    assert.equal(gpu.programs[0].bytes, (1000 + 250) * 4);
  });
});

describe('checkEstimate', () => {
  it('refuses a program over 65536 pages, and a run over the memory available, in one line each', () => {
    const over = model({ train: 65537, infer: 4, one: 2 });
    assert.throws(() => checkEstimate(over, estimateRun(over, { backend: 'cpu', trainBatches: [], inferBatches: [], examples: 0 }), Infinity),
      (e: unknown) => e instanceof SizeLimitError && e.message === 'cpu/train-32.wasm asks for 65537 pages of memory; a WebAssembly program has 1 to 65536 (4 GiB)');
    const m = model({ train: 16, infer: 4, one: 2 });
    const e = estimateRun(m, { backend: 'cpu', trainBatches: [32], inferBatches: [], examples: 0 });
    checkEstimate(m, e, e.totalBytes);
    assert.throws(() => checkEstimate(m, e, 1 * MiB - 1), /^SizeLimitError: the run needs about 1\.02 MiB of memory \(parameters 3\.91 KiB, optimizer slots 7\.81 KiB, programs train 32: 1 MiB, data 6\.5 KiB\), more than the 1 MiB this machine has$/);
  });
});
