import { strict as assert } from 'assert';
import { assembleKernel } from '../../../../compiler/codegen/gpujs/kernel';
import { compileGpuKernel, compileGpuNode, parseGpuKernels, readGpuValue } from '../../../../runtime/backends/gpujs/kernels';
import { useGpu } from '../../../support/webgl';

/** out[i] = in[i] * scale + shift, with `scale` a float uniform. */
function affine(size: number, shift: number) {
  return assembleKernel({
    label: `affine ${shift}`, out: [size], inputs: [[size]], attrs: {}, scalars: ['scale'],
    emit: ({ inputs: [x], flat }) => `${x.name}[${flat}] * scale + ${shift}`,
  });
}

describe('gpu.js kernel runner (pipeline mode)', () => {
  const gpu = useGpu();

  it('feeds one kernel\'s output texture straight into the next, and reads it back row-major', () => {
    const first = compileGpuKernel(gpu(), affine(5, 1));
    const second = compileGpuKernel(gpu(), affine(5, -3));
    try {
      const t = first.run([new Float32Array([0, 1, 2, 3, 4])], [2]);
      assert.deepEqual(Array.from(readGpuValue(second.run([t], [0.5]))), [-2.5, -1.5, -0.5, 0.5, 1.5]);
    } finally {
      first.destroy();
      second.destroy();
    }
  });

  it('overwrites a kernel\'s output texture when it runs again (immutable: false)', () => {
    const k = compileGpuKernel(gpu(), affine(3, 0));
    try {
      const a = k.run([new Float32Array([1, 2, 3])], [1]);
      k.run([new Float32Array([1, 2, 3])], [10]);
      assert.deepEqual(Array.from(readGpuValue(a)), [10, 20, 30]);
    } finally {
      k.destroy();
    }
  });

  it('refuses inputs of the wrong size or count in one line naming the kernel', () => {
    const k = compileGpuKernel(gpu(), affine(3, 0));
    try {
      assert.throws(() => k.run([new Float32Array(4)], [1]), /^Error: affine 0: input 0 has 4 values, expected 3 for \[3\]$/);
      assert.throws(() => k.run([new Float32Array(3)]), /affine 0: 0 scalars given, the kernel takes 1/);
      assert.throws(() => k.run([], [1]), /affine 0: 0 inputs given, the kernel takes 1/);
    } finally {
      k.destroy();
    }
  });

  it('passes an alias node\'s input through untouched', () => {
    const data = new Float32Array([4, 5, 6]);
    const node = compileGpuNode(gpu(), { kind: 'alias', label: 'reshape', input: 0, shape: [3, 1] });
    assert.equal(node.run([data]), data);
  });

  it('reads a host array back as a copy', () => {
    const data = new Float32Array([1, 2]);
    const copy = readGpuValue(data);
    copy[0] = 9;
    assert.equal(data[0], 1);
  });

  it('runs a kernel read back from its JSON file as the compiler wrote it', () => {
    const { kind: _kind, ...source } = affine(4, 1);
    const [k] = parseGpuKernels(new TextEncoder().encode(JSON.stringify([source])), 'gpu/infer-4.json');
    assert.deepEqual(k, source);
    const compiled = compileGpuKernel(gpu(), k);
    try {
      assert.deepEqual(Array.from(readGpuValue(compiled.run([new Float32Array([1, 2, 3, 4])], [3]))), [4, 7, 10, 13]);
    } finally {
      compiled.destroy();
    }
  });

  it('refuses a malformed kernel file in one line naming the file and the kernel', () => {
    const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
    const { kind: _kind, ...good } = affine(2, 0);
    assert.throws(() => parseGpuKernels(new TextEncoder().encode('[{'), 'gpu/x.json'), /^Error: gpu\/x\.json: not JSON/);
    assert.throws(() => parseGpuKernels(bytes({}), 'gpu/x.json'), /gpu\/x\.json: expected a list of gpu\.js kernels/);
    assert.throws(() => parseGpuKernels(bytes([good, { ...good, source: 7 }]), 'gpu/x.json'), /gpu\/x\.json: kernel 1: label or source is not a string/);
    assert.throws(() => parseGpuKernels(bytes([{ ...good, output: [2, 2] }]), 'gpu/x.json'), /kernel 0: shape or output is malformed/);
    assert.throws(() => parseGpuKernels(bytes([{ ...good, args: [{ name: 'x0', shape: [-1] }] }]), 'gpu/x.json'), /kernel 0: args are not/);
  });
});
